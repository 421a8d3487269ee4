"""Writes of the telemed app: scheduling remote sessions and moving them through their life cycle, and
clinicians' messages to patients (DSM39-4.2, DSM39-4.16). Each is one transaction with its history,
audit entries and notifications inside; reads of sessions and messages are journaled here too."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.access import require_patient_access
from audit.choices import AuditAction
from audit.services import record, record_many
from scheduling.choices import REMOTE_FORMS, AppointmentStatus

from . import notifications, selectors
from .choices import CLINICIAN_MOVES, NEEDS_REASON, PATIENT_MOVES, MessageKind, SessionForm, SessionStatus
from .models import WAITING_ROOM_OPENS, ClinicianMessage, RemoteSession, RemoteSessionHistory
from .permissions import CONDUCT, LEVEL, is_patient_side

# A session may be scheduled for a moment that has just passed: "now", typed to the minute.
SCHEDULE_GRACE = datetime.timedelta(minutes=15)
# ...and no further ahead than this: a date years away is a typing mistake.
SCHEDULE_HORIZON = datetime.timedelta(days=90)


def _organisation_id(clinician, patient) -> int:
    """The organisation providing the care: the clinician's, or the patient's for one without."""
    return clinician.organisation_id or patient.organisation_id


# --- Remote sessions ------------------------------------------------------------------------------
def _check_appointment(appointment, *, patient, clinician):
    from scheduling.models import Appointment

    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.patient_id != patient.pk or appointment.clinician_id != clinician.pk:
        raise ValidationError({"appointment": _("This appointment is of another patient or clinician.")})
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError({"appointment": _("Only a booked appointment can be held remotely.")})
    if appointment.form not in REMOTE_FORMS:
        raise ValidationError({"appointment": _("This appointment is a visit in person.")})
    return appointment


@transaction.atomic
def remote_session_schedule(
    *, actor, patient, clinician, scheduled_start: datetime.datetime, form: str, appointment=None
) -> RemoteSession:
    """Plan a remote session of the patient with a clinician, for a booked remote appointment or without."""
    if not actor.has_perm(CONDUCT):
        raise PermissionDenied(_("Your roles do not allow scheduling remote sessions."))
    require_patient_access(actor, patient, LEVEL)
    if not clinician.is_active or not clinician.has_perm(CONDUCT):
        raise ValidationError({"clinician": _("This person does not conduct remote sessions.")})
    if not selectors.clinicians_for(actor).filter(pk=clinician.pk).exists():
        raise ValidationError({"clinician": _("This clinician does not work in your organisation.")})
    if timezone.is_naive(scheduled_start):
        raise ValueError("scheduled_start must be an aware datetime")
    now = timezone.now()
    if scheduled_start < now - SCHEDULE_GRACE:
        raise ValidationError({"scheduled_start": _("This time has passed; choose a later one.")})
    if scheduled_start > now + SCHEDULE_HORIZON:
        raise ValidationError(
            {
                "scheduled_start": ngettext(
                    "A remote session can be scheduled at most %(days)d day ahead.",
                    "A remote session can be scheduled at most %(days)d days ahead.",
                    SCHEDULE_HORIZON.days,
                )
                % {"days": SCHEDULE_HORIZON.days}
            }
        )
    if form not in SessionForm.values:
        raise ValidationError({"form": _("Choose video, audio or text chat.")})
    if not patient.is_active:
        raise ValidationError(_("This patient's record was merged into another one; use that record."))
    if appointment is not None:
        appointment = _check_appointment(appointment, patient=patient, clinician=clinician)
    session = RemoteSession(
        patient=patient,
        clinician=clinician,
        organisation_id=_organisation_id(clinician, patient),
        appointment=appointment,
        form=form,
        scheduled_start=scheduled_start,
    )
    try:
        # No savepoint: a refusal rolls the whole call back.
        with transaction.atomic(savepoint=False):
            session.save()
    except IntegrityError as error:
        if "remote_session_one_live_per_appointment" in str(error):
            raise ValidationError(
                {"appointment": _("This appointment already has a remote session that has not ended.")}
            ) from None
        raise
    RemoteSessionHistory.objects.create(session=session, actor=actor, to_status=SessionStatus.SCHEDULED)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        patient=patient,
        obj=session,
        fields={
            "clinician": [None, clinician.pk],
            "scheduled_start": [None, scheduled_start.isoformat()],
            "form": [None, form],
            "appointment": [None, appointment.pk if appointment else None],
        },
    )
    return session


def allowed_moves(user, session: RemoteSession) -> list[str]:
    """The statuses this user may take the session to now, in the order of the life cycle."""
    moves = set(CLINICIAN_MOVES) if user.pk == session.clinician_id else set()
    if is_patient_side(user, session.patient):
        moves |= PATIENT_MOVES
    return [status for status in SessionStatus.values if status in moves and session.can_go_to(status)]


@transaction.atomic
def remote_session_transition(*, actor, session: RemoteSession, to: str, reason: str = "") -> RemoteSession:
    """Move the session along its life cycle: the patient's side enters the waiting room or cancels; the
    clinician starts, completes, interrupts or cancels. Each step leaves a history row and an audit entry."""
    if to not in SessionStatus.values:
        raise ValidationError(_("No such status."))
    session = RemoteSession.objects.select_for_update(of=("self",)).select_related("patient", "clinician").get(pk=session.pk)
    by_clinician = actor.pk == session.clinician_id
    by_patient_side = is_patient_side(actor, session.patient)
    if not by_clinician and not by_patient_side:
        raise PermissionDenied(_("You take no part in this remote session."))
    if not (by_clinician and to in CLINICIAN_MOVES or by_patient_side and to in PATIENT_MOVES):
        raise PermissionDenied(
            _("You may not take this remote session to “%(status)s”.") % {"status": SessionStatus(to).label}
        )
    before = session.status
    if not session.can_go_to(to):
        raise ValidationError(
            _("A remote session that is “%(before)s” cannot become “%(after)s”.")
            % {"before": SessionStatus(before).label, "after": SessionStatus(to).label}
        )
    reason = (reason or "").strip()[:255]
    if to in NEEDS_REASON and not reason:
        raise ValidationError({"reason": _("Say why.")})
    now = timezone.now()
    if to == SessionStatus.WAITING and not session.waiting_room_open(now):
        minutes = int(WAITING_ROOM_OPENS.total_seconds() // 60)
        raise ValidationError(
            ngettext(
                "The waiting room opens %(minutes)d minute before the session.",
                "The waiting room opens %(minutes)d minutes before the session.",
                minutes,
            )
            % {"minutes": minutes}
        )
    session.status = to
    changed = ["status", "updated_at"]
    if to == SessionStatus.IN_PROGRESS:
        session.started_at = now
        changed.append("started_at")
    elif to in (SessionStatus.COMPLETED, SessionStatus.INTERRUPTED):
        session.ended_at = now
        changed.append("ended_at")
    session.save(update_fields=changed)
    RemoteSessionHistory.objects.create(session=session, actor=actor, from_status=before, to_status=to, reason=reason)
    if to == SessionStatus.WAITING:
        notifications.patient_waiting(session)
    elif to == SessionStatus.CANCELLED:
        notifications.session_cancelled(session, by_clinician=by_clinician, reason=reason)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=session.patient,
        obj=session,
        reason=reason,
        fields={"status": [before, to]},
    )
    return session


# --- Clinicians' messages (DSM39-4.16) ------------------------------------------------------------
@transaction.atomic
def message_send(*, actor, patient, kind: str, subject: str, body: str) -> ClinicianMessage:
    """A recommendation from a clinician who treats the patient; the patient and their representatives
    are told in the app and by SMS and e-mail that it waits in the personal cabinet."""
    if not actor.has_perm(CONDUCT):
        raise PermissionDenied(_("Your roles do not allow writing to patients."))
    require_patient_access(actor, patient, LEVEL)
    subject, body = (subject or "").strip(), (body or "").strip()
    errors = {}
    if kind not in MessageKind.values:
        errors["kind"] = _("Choose what the message is about.")
    if not subject:
        errors["subject"] = _("Give the message a subject.")
    elif len(subject) > 255:
        errors["subject"] = _("Keep the subject within 255 characters.")
    if not body:
        errors["body"] = _("Write the message.")
    if errors:
        raise ValidationError(errors)
    message = ClinicianMessage.objects.create(
        patient=patient,
        author=actor,
        organisation_id=_organisation_id(actor, patient),
        kind=kind,
        subject=subject,
        body=body,
    )
    notifications.message_sent(message)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        patient=patient,
        obj=message,
        fields={"kind": [None, kind], "subject": [None, subject]},
    )
    return message


def message_mark_read(*, actor, message: ClinicianMessage) -> ClinicianMessage:
    """The patient or their representative has read the message: the first reading is kept and journaled.
    A message already read is returned as it is: nothing to lock, write or journal."""
    if message.is_read:
        return message
    with transaction.atomic():
        message = (
            ClinicianMessage.objects.select_for_update(of=("self",)).select_related("patient", "author").get(pk=message.pk)
        )
        if not is_patient_side(actor, message.patient):
            raise PermissionDenied(_("Only the patient or their legal representative marks a message read."))
        if message.is_read:  # read by another of the patient's side meanwhile
            return message
        message.read_at, message.read_by = timezone.now(), actor
        message.save(update_fields=["read_at", "read_by", "updated_at"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            patient=message.patient,
            obj=message,
            fields={"read_at": [None, message.read_at.isoformat()]},
        )
    return message


# --- Reads, journaled ------------------------------------------------------------------------------
def telemed_viewed(*, actor, patient, what: str, obj=None) -> None:
    """Journal one look at a patient's remote care: a list of their sessions or messages, or one of them."""
    record(actor=actor, action=AuditAction.VIEW, patient=patient, obj=obj or patient, fields={"part": what})


def sessions_listed(*, actor, sessions) -> None:
    """Journal a clinician's list of sessions: one entry per patient shown, in one statement."""
    patients = {session.patient_id: session.patient for session in sessions}
    record_many(
        actor=actor,
        action=AuditAction.VIEW,
        entries=[{"patient": p, "obj": p, "fields": {"part": "remote_sessions_list"}} for p in patients.values()],
    )
