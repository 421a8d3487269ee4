"""Who hears of an appointment's change, and how (DSM39-4.9): the patient, their legal representatives and
the clinician, in their own language, in the app, by e-mail (with an .ics) and by SMS. Everything goes
through the outbox in the changing transaction; Celery delivers it."""

import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from integrations.services import outbox_enqueue_many
from patients.recipients import Recipient, clinician, patient_side

from .choices import AppointmentEvent
from .models import AppointmentHistory, Notification


def recipients(appointment) -> list[Recipient]:
    return [*patient_side(appointment.patient), clinician(appointment.clinician)]


def _when(moment: datetime.datetime) -> str:
    # Digits read the same in every language and fit an SMS.
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def _message(appointment, event: str, recipient: Recipient, previous_start=None) -> tuple[str, str]:
    values = {
        "patient": appointment.patient_name,
        "service": appointment.service.name,
        "clinician": appointment.clinician.get_full_name(),
        "when": _when(appointment.starts_at),
        "before": _when(previous_start) if previous_start else "",
    }
    if event == AppointmentEvent.BOOKED:
        subject = _("Appointment booked")
        body = _("%(patient)s: %(service)s with %(clinician)s on %(when)s.") % values
    elif event == AppointmentEvent.MOVED:
        subject = _("Appointment moved")
        body = _("%(patient)s: %(service)s with %(clinician)s moved from %(before)s to %(when)s.") % values
    elif event == AppointmentEvent.CANCELLED:
        subject = _("Appointment cancelled")
        body = _("%(patient)s: %(service)s with %(clinician)s on %(when)s is cancelled.") % values
    else:
        subject = _("Appointment reminder")
        body = _("Reminder: %(patient)s, %(service)s with %(clinician)s on %(when)s.") % values
    return subject, body


def ics(appointment, event: str, sequence: int) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//MIS//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if event == AppointmentEvent.CANCELLED else "REQUEST")
    entry = Event()
    entry.add("uid", f"{appointment.uuid}@mis")
    entry.add("sequence", sequence)
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", appointment.starts_at)
    entry.add("dtend", appointment.ends_at)
    entry.add("summary", f"{appointment.service.name} — {appointment.clinician.get_full_name()}")
    entry.add("status", "CANCELLED" if event == AppointmentEvent.CANCELLED else "CONFIRMED")
    calendar.add_component(entry)
    return calendar.to_ical().decode()


def appointment_changed(history: AppointmentHistory) -> None:
    """Call in the changing transaction, right after writing the change's history row: a worker tells
    everyone once the transaction commits. The row is what makes it durable: `notify_pending` (every
    minute) finds any change whose worker never ran."""
    from .tasks import notify_change

    transaction.on_commit(lambda: notify_change.delay(history.pk))


def notify(history_id: int) -> bool:
    """Tell everyone of one change, once: the fan-out and the mark that it is done commit together."""
    with transaction.atomic():
        history = (
            AppointmentHistory.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("appointment__patient__user", "appointment__clinician", "appointment__service")
            .filter(pk=history_id, notified_at__isnull=True)
            .first()
        )
        if history is None:  # done already, or another worker has it
            return False
        moved = history.event == AppointmentEvent.MOVED
        _fan_out(
            history.appointment,
            history.event,
            change=f"h{history.pk}",
            previous_start=history.from_starts_at if moved else None,
        )
        history.notified_at = timezone.now()
        history.save(update_fields=["notified_at"])
        return True


def notify_now(history: AppointmentHistory) -> None:
    """Tell everyone of a change inside the caller's transaction (for jobs that run in a worker)."""
    _fan_out(history.appointment, history.event, change=f"h{history.pk}")


def notify_pending(*, older_than_seconds: int = 30, batch: int = 500) -> int:
    """The sweeper: changes that nobody has been told of after `older_than_seconds`. Each is its own
    unit of work (it locks and marks its row), as when the worker does it."""
    before = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    pending = AppointmentHistory.objects.filter(notified_at__isnull=True, at__lte=before).order_by("at")
    return sum(notify(history_id) for history_id in pending.values_list("pk", flat=True)[:batch])


def _fan_out(appointment, event: str, *, change: str, previous_start=None) -> None:
    """Every participant's in-app message, SMS and e-mail for one change, queued in the outbox."""
    sequence = int(timezone.now().timestamp())  # grows with every change, as iCalendar wants
    in_app, outgoing = [], []
    for recipient in recipients(appointment):
        with translation.override(recipient.language):
            subject, body = _message(appointment, event, recipient, previous_start)
            calendar = ics(appointment, event, sequence) if recipient.email else ""
        key = f"appointment-{appointment.pk}-{event}-{change}-{recipient.key}"
        kind, patient = {"type": f"appointment_{event}"}, appointment.patient
        if recipient.user is not None:
            in_app.append(Notification(recipient=recipient.user, subject=subject, body=body, appointment=appointment))
        if recipient.phone and not recipient.is_clinician:
            sms = kind | {"phone": recipient.phone, "text": f"{subject}. {body}"}
            outgoing.append({"channel": "sms", "idempotency_key": f"{key}-sms", "patient": patient, "payload": sms})
        if recipient.email:
            attachment = {"filename": "appointment.ics", "content_type": "text/calendar", "content": calendar}
            email = kind | {"to": recipient.email, "subject": subject, "body": body, "attachments": [attachment]}
            outgoing.append({"channel": "email", "idempotency_key": f"{key}-email", "patient": patient, "payload": email})
    Notification.objects.bulk_create(in_app)
    outbox_enqueue_many(outgoing)


def in_app_notify(*, users, subject: str, body: str) -> None:
    """In-app messages for users about anything else (a monitoring alert, a clinician's message), written in
    the caller's transaction; the bell in the header shows them."""
    Notification.objects.bulk_create(
        [Notification(recipient=user, subject=subject, body=body) for user in users if user is not None]
    )
