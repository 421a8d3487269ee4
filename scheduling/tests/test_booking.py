"""Booking, moving, cancelling: nobody double-booked, every refusal clear, nothing half-written."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.models import AuditEntry
from integrations.models import OutboxMessage
from patients.tests.factories import PatientFactory
from scheduling.models import Appointment, AppointmentHistory, Slot
from scheduling.services import BookingError, appointment_book, appointment_cancel, appointment_move
from scheduling.tests.factories import ScheduleFactory, ServiceFactory, slot_for, tomorrow_at


@pytest.fixture
def desk(org, make_user):
    """A registrar, a doctor with a schedule in Therapy, a patient of that department, a free slot."""

    class Desk:
        pass

    d = Desk()
    d.registrar = make_user("registrar")
    d.doctor = make_user("doctor", department=org.departments[0], first_name="Айгуль", last_name="Серикова")
    d.schedule = ScheduleFactory(clinician=d.doctor, department=org.departments[0], site=org.sites[0])
    d.service = d.schedule.services.get()
    d.patient = PatientFactory(organisation=org.organisation, site=org.sites[0], email="p@example.kz")
    d.slot = slot_for(d.schedule, tomorrow_at(9))
    return d


@pytest.mark.req("DSM39-4.6")
@pytest.mark.req("DSM39-6.1")
def test_a_booking_keeps_the_minimum_data_set_and_is_journaled(desk):
    appointment = appointment_book(actor=desk.registrar, patient=desk.patient, slot=desk.slot, service=desk.service)
    assert (appointment.patient_iin, appointment.patient_name) == (desk.patient.iin, desk.patient.full_name)
    assert (appointment.service_code, appointment.service_name) == (desk.service.code, desk.service.name_ru)
    assert (appointment.clinician, appointment.site, appointment.starts_at) == (
        desk.doctor,
        desk.slot.schedule.site,
        desk.slot.starts_at,
    )
    assert appointment.booked_by == desk.registrar
    entry = AuditEntry.objects.get(action="create", object_type="scheduling.Appointment")
    assert entry.patient == desk.patient and entry.actor == desk.registrar
    assert AppointmentHistory.objects.get(appointment=appointment).event == "booked"


@pytest.mark.usefixtures("english")
@pytest.mark.req("DSM39-4.6")
def test_each_refusal_says_why_and_leaves_nothing_behind(desk, org, make_user):
    appointment_book(actor=desk.registrar, patient=desk.patient, slot=desk.slot, service=desk.service)
    other = PatientFactory(organisation=org.organisation, site=org.sites[0])
    written = (Appointment.objects.count(), OutboxMessage.objects.count(), AuditEntry.objects.count())
    past = slot_for(desk.schedule, timezone.now() - datetime.timedelta(hours=1))
    later = slot_for(desk.schedule, tomorrow_at(9, 15))
    video = ServiceFactory(code="T01.001", form="video")
    not_offered = ServiceFactory(code="A01.010")
    cases = [
        ({"patient": other, "slot": desk.slot, "service": desk.service}, "just been taken"),
        ({"patient": other, "slot": past, "service": desk.service}, "already passed"),
        ({"patient": other, "slot": later, "service": not_offered}, "does not provide this service"),
        ({"patient": other, "slot": later, "service": video}, "in person only"),
    ]
    desk.schedule.services.add(video)
    for kwargs, message in cases:
        with pytest.raises(BookingError, match=message):
            appointment_book(actor=desk.registrar, **kwargs)
    # The same patient at an overlapping time with another clinician.
    second = ScheduleFactory(clinician=make_user("doctor", department=org.departments[0]), department=org.departments[0])
    with pytest.raises(BookingError, match="already has an appointment"):
        appointment_book(
            actor=desk.registrar, patient=desk.patient, slot=slot_for(second, tomorrow_at(9, 5)), service=desk.service
        )
    assert (Appointment.objects.count(), OutboxMessage.objects.count(), AuditEntry.objects.count()) == written


def test_the_database_refuses_an_overlap_the_service_did_not_see(desk):
    first = appointment_book(actor=desk.registrar, patient=desk.patient, slot=desk.slot, service=desk.service)
    twin = Appointment(
        **{
            f.attname: getattr(first, f.attname)
            for f in Appointment._meta.concrete_fields
            if f.attname not in ("id", "uuid")
        }
    )
    twin.patient = PatientFactory()
    with pytest.raises(IntegrityError, match="appointment_no_clinician_overlap"), transaction.atomic():
        twin.save()


def test_a_stranger_cannot_book_for_a_patient_they_do_not_see(desk, make_user):
    outsider = make_user("patient")
    with pytest.raises(PermissionDenied):
        appointment_book(actor=outsider, patient=desk.patient, slot=desk.slot, service=desk.service)


@pytest.mark.req("DSM39-4.6")
def test_moving_and_cancelling_need_a_reason_and_keep_history(desk):
    appointment = appointment_book(actor=desk.registrar, patient=desk.patient, slot=desk.slot, service=desk.service)
    later = slot_for(desk.schedule, tomorrow_at(10))
    with pytest.raises(BookingError):
        appointment_move(actor=desk.registrar, appointment=appointment, slot=later, reason=" ")
    moved = appointment_move(actor=desk.registrar, appointment=appointment, slot=later, reason="Patient asked")
    assert moved.starts_at == later.starts_at and moved.slot == later
    cancelled = appointment_cancel(actor=desk.registrar, appointment=moved, reason="Ill")
    assert cancelled.status == "cancelled"
    assert list(moved.history.values_list("event", flat=True)) == ["booked", "moved", "cancelled"]
    # The freed slot can be booked again.
    assert appointment_book(actor=desk.registrar, patient=desk.patient, slot=later, service=desk.service)


@pytest.mark.req("DSM39-4.6")
@pytest.mark.django_db(transaction=True)
def test_twenty_clients_booking_one_slot_get_one_booking_and_nineteen_clean_conflicts(org, make_user):
    registrar = make_user("registrar")
    doctor = make_user("doctor", department=org.departments[0])
    schedule = ScheduleFactory(clinician=doctor, department=org.departments[0])
    service = schedule.services.get()
    slot = slot_for(schedule, tomorrow_at(12))
    patients = PatientFactory.create_batch(20, organisation=org.organisation, site=org.sites[0])
    outcomes, barrier = [], threading.Barrier(20)

    def book(patient):
        try:
            barrier.wait()
            appointment_book(actor=registrar, patient=patient, slot=Slot.objects.get(pk=slot.pk), service=service)
            outcomes.append("booked")
        except BookingError as error:
            outcomes.append(error.code)
        except Exception as error:  # noqa: BLE001 - any other failure is the test's failure
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(patient,)) for patient in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("booked") == 1
    assert outcomes.count("slot_taken") == 19, outcomes
    assert Appointment.objects.filter(slot=slot).count() == 1
