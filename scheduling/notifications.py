"""Who hears of an appointment's change, and how (DSM39-4.9): the patient, their legal representatives and
the clinician, in their own language, in the app, by e-mail (with an .ics) and by SMS. Everything goes
through the outbox in the changing transaction; Celery delivers it."""

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from integrations.services import outbox_enqueue_many

from .choices import AppointmentEvent
from .models import Notification


@dataclass(frozen=True)
class Recipient:
    key: str
    language: str
    user: object = None
    phone: str = ""
    email: str = ""
    is_clinician: bool = False


def recipients(appointment) -> list[Recipient]:
    patient, clinician = appointment.patient, appointment.clinician
    people = [
        Recipient(
            f"patient-{patient.pk}",
            patient.preferred_language or "ru",
            patient.user,
            patient.phone,
            patient.email or (patient.user.email if patient.user else ""),
        )
    ]
    today = timezone.localdate()
    for representative in patient.legal_representatives.all():
        if representative.valid_until and representative.valid_until < today:
            continue
        user = representative.user
        people.append(
            Recipient(
                f"representative-{representative.pk}",
                getattr(user, "preferred_language", "") or patient.preferred_language or "ru",
                user,
                representative.phone,
                user.email if user else "",
            )
        )
    people.append(
        Recipient(
            f"clinician-{clinician.pk}",
            clinician.preferred_language or "ru",
            clinician,
            "",
            clinician.email,
            is_clinician=True,
        )
    )
    return people


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


def appointment_changed(appointment, event: str, *, previous_start=None) -> None:
    """Queue every participant's notifications for this change (call inside the changing transaction)."""
    change = uuid.uuid4().hex[:12]
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
