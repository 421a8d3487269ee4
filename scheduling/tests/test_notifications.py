"""Everyone hears of a change (DSM39-4.9) and the national schedule service sees it (DSM80-8)."""

import datetime

import pytest
from django.utils import timezone

from integrations.models import OutboxMessage
from integrations.services import outbox_deliver
from patients.models import LegalRepresentative
from patients.tests.factories import PatientFactory
from scheduling.models import Appointment, AppointmentHistory, Notification
from scheduling.notifications import notify_pending
from scheduling.services import appointment_book, appointment_cancel, appointment_move, reminders_send
from scheduling.tests.factories import ScheduleFactory, slot_for, tomorrow_at


@pytest.fixture
def booking(org, make_user):
    registrar = make_user("registrar")
    doctor = make_user("doctor", department=org.departments[0], email="doctor@example.kz", preferred_language="ru")
    schedule = ScheduleFactory(clinician=doctor, department=org.departments[0])
    patient = PatientFactory(
        organisation=org.organisation,
        site=org.sites[0],
        email="patient@example.kz",
        phone="+77010000011",
        preferred_language="kk",
        user=make_user("patient"),
    )
    mother = make_user("patient", email="mother@example.kz")
    LegalRepresentative.objects.create(
        patient=patient,
        kind="parent",
        iin=PatientFactory.build().iin,
        last_name="Омарова",
        first_name="Сауле",
        phone="+77010000022",
        document_name="Свидетельство о рождении",
        document_number="I-123",
        document_date=datetime.date(2015, 1, 1),
        user=mother,
    )
    return registrar, doctor, schedule, patient, mother


def channels_by_recipient() -> dict:
    notify_pending(older_than_seconds=0)  # what the worker does once the change has committed
    sent = {}
    for message in OutboxMessage.objects.exclude(channel="national.schedule"):
        address = message.payload.get("phone") or message.payload.get("to")
        sent.setdefault(message.channel, set()).add(address)
    return sent


@pytest.mark.req("DSM39-4.9")
def test_booking_notifies_the_patient_the_representative_and_the_clinician_in_their_languages(booking):
    registrar, doctor, schedule, patient, mother = booking
    appointment_book(
        actor=registrar, patient=patient, slot=slot_for(schedule, tomorrow_at(9)), service=schedule.services.get()
    )
    assert channels_by_recipient() == {
        "sms": {"+77010000011", "+77010000022"},
        "email": {"patient@example.kz", "mother@example.kz", "doctor@example.kz"},
    }
    assert set(Notification.objects.values_list("recipient", flat=True)) == {patient.user.pk, mother.pk, doctor.pk}
    to_patient = OutboxMessage.objects.get(channel="sms", payload__phone="+77010000011").payload["text"]
    to_doctor = OutboxMessage.objects.get(channel="email", payload__to="doctor@example.kz").payload
    assert to_patient.startswith("Қабылдауға жазылу расталды")  # Kazakh for the patient
    assert to_doctor["subject"] == "Запись на приём создана"  # Russian for the clinician
    ics = to_doctor["attachments"][0]
    assert ics["content_type"] == "text/calendar" and "BEGIN:VEVENT" in ics["content"]
    assert "METHOD:REQUEST" in ics["content"]


@pytest.mark.req("DSM39-4.9")
def test_moving_and_cancelling_notify_everyone_again(booking):
    registrar, _doctor, schedule, patient, _mother = booking
    appointment = appointment_book(
        actor=registrar, patient=patient, slot=slot_for(schedule, tomorrow_at(9)), service=schedule.services.get()
    )
    notify_pending(older_than_seconds=0)
    OutboxMessage.objects.all().delete()
    appointment_move(actor=registrar, appointment=appointment, slot=slot_for(schedule, tomorrow_at(10)), reason="x")
    assert len(channels_by_recipient()["email"]) == 3
    OutboxMessage.objects.all().delete()
    appointment_cancel(actor=registrar, appointment=appointment, reason="Ill")
    assert notify_pending(older_than_seconds=0) == 1
    cancel = OutboxMessage.objects.filter(channel="email").first().payload
    assert "METHOD:CANCEL" in cancel["attachments"][0]["content"]
    assert len(channels_by_recipient()["sms"]) == 2


@pytest.mark.req("DSM39-4.9")
def test_reminders_go_once_24_and_2_hours_before(booking):
    registrar, _doctor, schedule, patient, _mother = booking
    soon = timezone.now() + datetime.timedelta(hours=30)
    appointment = appointment_book(
        actor=registrar, patient=patient, slot=slot_for(schedule, soon), service=schedule.services.get()
    )
    assert reminders_send() == 0  # 30 hours ahead: nothing is due yet
    notify_pending(older_than_seconds=0)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=20), ends_at=timezone.now() + datetime.timedelta(hours=21)
    )
    OutboxMessage.objects.all().delete()
    assert reminders_send() == 1 and reminders_send() == 0
    assert OutboxMessage.objects.filter(payload__type="appointment_reminded").count() == 5
    assert notify_pending(older_than_seconds=0) == 0  # reminders are told at once, never twice
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=1), ends_at=timezone.now() + datetime.timedelta(hours=2)
    )
    assert reminders_send() == 1 and reminders_send() == 0


@pytest.mark.req("DSM80-8")
def test_a_schedule_change_is_pushed_once_even_when_the_service_fails_twice(booking, national_sim):
    registrar, doctor, schedule, patient, _mother = booking
    national_sim.fail("/schedules/", times=2, status=503)
    appointment_book(
        actor=registrar, patient=patient, slot=slot_for(schedule, tomorrow_at(9)), service=schedule.services.get()
    )
    (push,) = OutboxMessage.objects.filter(channel="national.schedule")
    assert push.payload["clinician"]["id"] == str(doctor.uuid)
    assert push.payload["changes"][0]["change"] == "slot_taken"
    for _ in range(3):
        OutboxMessage.objects.filter(pk=push.pk).update(next_attempt_at=timezone.now())
        outbox_deliver(push.pk)
    push.refresh_from_db()
    assert push.status == "sent" and push.attempts == 3
    received = national_sim.requests("/schedules/")
    assert len(received) == 3 and {r["headers"]["idempotency-key"] for r in received} == {push.idempotency_key}
    outbox_deliver(push.pk)  # a late duplicate delivery sends nothing
    assert len(national_sim.requests("/schedules/")) == 3


@pytest.mark.req("DSM80-8")
def test_a_non_primary_care_schedule_is_not_pushed(booking):
    registrar, _doctor, schedule, patient, _mother = booking
    schedule.primary_care = False
    schedule.save()
    appointment_book(
        actor=registrar, patient=patient, slot=slot_for(schedule, tomorrow_at(9)), service=schedule.services.get()
    )
    assert not OutboxMessage.objects.filter(channel="national.schedule").exists()


@pytest.mark.req("DSM39-4.9")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_every_notification_with_the_calendar_file(booking, national_sim, celery_worker):
    import time

    registrar, _doctor, schedule, patient, _mother = booking
    appointment_book(
        actor=registrar, patient=patient, slot=slot_for(schedule, tomorrow_at(9)), service=schedule.services.get()
    )
    deadline = time.monotonic() + 30  # the worker tells everyone, then delivers each message
    while OutboxMessage.objects.filter(status="sent").count() < 6 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert OutboxMessage.objects.filter(status="sent").count() == OutboxMessage.objects.count() == 6
    assert AppointmentHistory.objects.get().notified_at is not None
    emails = national_sim.requests("/email/")
    assert len(emails) == 3 and all("BEGIN:VCALENDAR" in e["body"]["attachments"][0]["content"] for e in emails)
    assert len(national_sim.requests("/sms/")) == 2 and len(national_sim.requests("/schedules/")) == 1


@pytest.mark.req("DSM39-4.9")
def test_a_change_is_told_once_and_the_sweeper_finds_one_whose_worker_never_ran(booking):
    from scheduling.notifications import notify

    registrar, _doctor, schedule, patient, _mother = booking
    appointment_book(
        actor=registrar, patient=patient, slot=slot_for(schedule, tomorrow_at(9)), service=schedule.services.get()
    )  # in this test the commit never comes, so its worker never runs: as if the task were lost
    history = AppointmentHistory.objects.get()
    assert notify_pending() == 0  # a fresh change is left to its own worker for half a minute
    AppointmentHistory.objects.filter(pk=history.pk).update(at=timezone.now() - datetime.timedelta(minutes=1))
    assert notify_pending() == 1 and notify_pending() == 0 and not notify(history.pk)
    assert OutboxMessage.objects.exclude(channel="national.schedule").count() == 5
