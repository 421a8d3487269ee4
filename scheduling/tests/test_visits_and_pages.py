"""Visits need an appointment (DSM80-9); the front desk's pages book, move and cancel; the grid stays cheap."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import SecurityEvent
from audit.models import AuditEntry
from patients.tests.factories import PatientFactory
from scheduling.models import Appointment, Encounter
from scheduling.services import BookingError, appointment_book, encounter_open
from scheduling.tests.factories import ScheduleFactory, slot_for, tomorrow_at


@pytest.fixture
def booked(org, make_user):
    registrar = make_user("registrar")
    doctor = make_user("doctor", department=org.departments[0])
    schedule = ScheduleFactory(clinician=doctor, department=org.departments[0])
    patient = PatientFactory(organisation=org.organisation, site=org.sites[0])
    appointment = appointment_book(
        actor=registrar, patient=patient, slot=slot_for(schedule, tomorrow_at(9)), service=schedule.services.get()
    )
    return registrar, doctor, schedule, patient, appointment


@pytest.mark.req("DSM80-9")
def test_a_visit_opens_from_the_appointment_by_its_clinician(booked, make_user, org):
    _registrar, doctor, _schedule, patient, appointment = booked
    other_doctor = make_user("doctor", department=org.departments[0])
    with pytest.raises(PermissionDenied):
        encounter_open(actor=other_doctor, appointment=appointment)
    encounter = encounter_open(actor=doctor, appointment=appointment)
    assert encounter.appointment == appointment and not encounter.is_emergency
    assert Appointment.objects.get(pk=appointment.pk).status == "completed"
    with pytest.raises(BookingError):
        encounter_open(actor=doctor, appointment=appointment)


@pytest.mark.req("DSM80-9")
def test_without_an_appointment_only_an_emergency_with_a_reason_opens_a_visit_and_it_is_journaled(booked):
    _registrar, doctor, _schedule, patient, _appointment = booked
    with pytest.raises(BookingError):
        encounter_open(actor=doctor, patient=patient, emergency_reason="short")
    assert not Encounter.objects.exists()
    encounter = encounter_open(actor=doctor, patient=patient, emergency_reason="Severe chest pain at the desk")
    assert encounter.is_emergency and encounter.appointment is None
    entry = AuditEntry.objects.get(object_type="scheduling.Encounter")
    assert entry.reason == "Severe chest pain at the desk" and entry.actor == doctor
    event = SecurityEvent.objects.get(event="emergency_visit")
    assert event.flagged and event.user == doctor


@pytest.mark.req("DSM80-9")
def test_the_emergency_page_refuses_a_missing_reason_in_the_users_language(client_as, booked):
    _registrar, _doctor, _schedule, patient, _appointment = booked
    client = client_as("doctor")
    response = client.post(reverse("scheduling:emergency_visit", args=[patient.uuid]), {"emergency_reason": ""})
    assert response.status_code == 400 and response.context["form"].errors["emergency_reason"]
    assert not Encounter.objects.exists()


@pytest.mark.req("DSM39-4.6")
def test_the_registrar_books_from_the_grid_in_two_clicks(client_as, org, make_user):
    client = client_as("registrar")
    schedule = ScheduleFactory(clinician=make_user("doctor", department=org.departments[0]), department=org.departments[0])
    slot = slot_for(schedule, tomorrow_at(9))
    patient = PatientFactory(organisation=org.organisation, site=org.sites[0])
    grid = client.get(reverse("scheduling:day"), {"date": tomorrow_at(9).date(), "department": org.departments[0].uuid})
    assert reverse("scheduling:book", args=[slot.uuid]) in grid.content.decode()
    response = client.post(
        reverse("scheduling:book", args=[slot.uuid]), {"patient_iin": patient.iin, "service": schedule.services.get().code}
    )
    appointment = Appointment.objects.get(slot=slot)
    assert response.status_code == 302 and response["Location"].endswith(f"{appointment.uuid}/")


def test_a_booking_page_error_keeps_what_was_typed(client_as, org, make_user):
    client = client_as("registrar")
    schedule = ScheduleFactory(clinician=make_user("doctor", department=org.departments[0]), department=org.departments[0])
    slot = slot_for(schedule, tomorrow_at(9))
    response = client.post(
        reverse("scheduling:book", args=[slot.uuid]),
        {"patient_iin": "000000000000", "service": schedule.services.get().code},
    )
    assert response.status_code == 400 and 'value="000000000000"' in response.content.decode()
    assert response.context["form"].errors["patient_iin"]


def test_the_day_grid_takes_a_bounded_number_of_queries_for_thirty_clinicians(
    client_as, org, make_user, django_assert_max_num_queries
):
    client = client_as("registrar")
    for _ in range(30):
        schedule = ScheduleFactory(
            clinician=make_user("doctor", department=org.departments[0]), department=org.departments[0]
        )
        for hour in (9, 10, 11):
            slot_for(schedule, tomorrow_at(hour))
    with django_assert_max_num_queries(16):  # constant: sign-in, permissions, form choices, slots, appointments
        response = client.get(
            reverse("scheduling:day"), {"date": tomorrow_at(9).date(), "department": org.departments[0].uuid}
        )
    assert len(response.context["rows"]) == 30


def test_a_malformed_grid_date_is_a_message_not_an_error(client_as):
    response = client_as("registrar").get(reverse("scheduling:day"), {"date": "31.02.2026"})
    assert response.status_code == 400 and response.context["form"].errors["date"]


@pytest.mark.req("DSM80-22.5")
def test_viewing_a_day_grid_that_names_patients_is_journaled_once_with_each_patient(booked, client_as, org):
    _registrar, _doctor, _schedule, patient, _appointment = booked
    client = client_as("registrar")
    before = AuditEntry.objects.count()
    grid = client.get(reverse("scheduling:day"), {"date": tomorrow_at(9).date(), "department": org.departments[0].uuid})
    assert patient.last_name in grid.content.decode()
    entry = AuditEntry.objects.latest("id")
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "view" and entry.fields["part"] == "day_grid" and entry.fields["patients"] == [patient.pk]
    assert entry.fields["department"] == org.departments[0].code

    empty_day = client.get(reverse("scheduling:day"), {"date": "2030-01-01", "department": org.departments[0].uuid})
    assert empty_day.status_code == 200 and AuditEntry.objects.count() == before + 1  # nobody shown, nothing read
