"""Who hears of a clinician's message or a session's change, in their own language.

A clinician's message reaches the patient and their legal representatives with cabinet accounts: in
the app, and by SMS and e-mail through the outbox, in the writing transaction. The SMS and e-mail only
say that a message is waiting in the personal cabinet: its text is medical data and stays there.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from integrations.services import outbox_enqueue_many
from patients.recipients import clinician as clinician_recipient
from patients.recipients import patient_side
from scheduling.notifications import in_app_notify


def message_sent(message) -> None:
    """The in-app notices and the outbox rows for a new clinician's message (DSM39-4.16)."""
    patient = message.patient
    outgoing = []
    for recipient in patient_side(patient, cabinet_only=True):
        with translation.override(recipient.language):
            values = {
                "clinician": message.author.get_full_name(),
                "patient": patient.full_name,
                "kind": message.get_kind_display(),
            }
            subject = _("A message from your clinician")
            text = _("%(clinician)s has written to %(patient)s: %(kind)s. Read it in the personal cabinet.") % values
        if recipient.user is not None:
            in_app_notify(users=[recipient.user], subject=subject, body=f"{text}\n{message.subject}")
        key = f"clinician-message-{message.pk}-{recipient.key}"
        kind = {"type": "clinician_message", "language": recipient.language}
        if recipient.phone:
            sms = kind | {"phone": recipient.phone, "text": f"{subject}. {text}"}
            outgoing.append({"channel": "sms", "idempotency_key": f"{key}-sms", "patient": patient, "payload": sms})
        if recipient.email:
            email = kind | {"to": recipient.email, "subject": subject, "body": text}
            outgoing.append({"channel": "email", "idempotency_key": f"{key}-email", "patient": patient, "payload": email})
    outbox_enqueue_many(outgoing)


def _when(session) -> str:
    return timezone.localtime(session.scheduled_start).strftime("%d.%m.%Y %H:%M")


def patient_waiting(session) -> None:
    """Tell the clinician, in the app, that the patient has entered the waiting room."""
    clinician = clinician_recipient(session.clinician)
    with translation.override(clinician.language):
        subject = _("The patient is in the waiting room")
        body = _("%(patient)s is waiting for the remote session of %(when)s.") % {
            "patient": session.patient.full_name,
            "when": _when(session),
        }
    in_app_notify(users=[clinician.user], subject=subject, body=body)


def session_cancelled(session, *, by_clinician: bool, reason: str) -> None:
    """Tell the other side, in the app and each in their own language, that the session is cancelled and why."""
    if by_clinician:
        recipients = patient_side(session.patient, cabinet_only=True)
    else:
        recipients = [clinician_recipient(session.clinician)]
    for recipient in recipients:
        if recipient.user is None:  # the patient without a cabinet account: nowhere to show it in the app
            continue
        with translation.override(recipient.language):
            subject = _("Remote session cancelled")
            body = _("The remote session of %(patient)s on %(when)s is cancelled: %(reason)s") % {
                "patient": session.patient.full_name,
                "when": _when(session),
                "reason": reason,
            }
        in_app_notify(users=[recipient.user], subject=subject, body=body)
