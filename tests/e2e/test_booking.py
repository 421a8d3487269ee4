"""A patient books in the personal cabinet; the registrar moves the appointment from the day grid —
in a real browser."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from patients.tests.factories import PatientFactory
from scheduling.models import Appointment
from scheduling.tests.factories import ScheduleFactory, slot_for, tomorrow_at
from tests.e2e.helpers import sign_in, sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.req("DSM39-4.6")
@pytest.mark.req("DSM39-4.12")
def test_a_patient_books_in_the_cabinet_and_the_registrar_moves_it(page, browser, live_server, make_user, org, password):
    doctor = make_user(Role.DOCTOR, department=org.departments[0], first_name="Айгуль", last_name="Серикова")
    schedule = ScheduleFactory(clinician=doctor, department=org.departments[0], site=org.sites[0])
    first, second = slot_for(schedule, tomorrow_at(9)), slot_for(schedule, tomorrow_at(10, 30))
    patient_user = make_user(Role.PATIENT, username="patient-1")
    patient = PatientFactory(organisation=org.organisation, site=org.sites[0], user=patient_user)

    sign_in(page, "patient-1", password)
    page.wait_for_url(f"{live_server.url}/")
    page.goto("/scheduling/cabinet/appointments/")
    page.get_by_test_id("cabinet-book").click()
    page.get_by_test_id("services").get_by_role("link").first.click()
    page.get_by_test_id("clinicians").get_by_role("link", name="Серикова Айгуль").click()
    page.locator(f"label[for='slot-{first.uuid}']").click()
    page.get_by_test_id("cabinet-book-submit").click()
    page.wait_for_url("**/scheduling/cabinet/appointments/")
    assert "Серикова Айгуль" in page.get_by_test_id("upcoming").inner_text()
    appointment = Appointment.objects.get(patient=patient)
    assert appointment.slot == first and appointment.booked_by == patient_user
    page.context.clear_cookies()

    registrar = make_user(Role.REGISTRAR, username="front-desk")
    device = TOTPDevice.objects.create(user=registrar, name="totp", confirmed=True)
    sign_in_staff(page, "front-desk", password, device)
    page.goto(f"/scheduling/?date={tomorrow_at(9).date()}&department={org.departments[0].uuid}")
    page.get_by_test_id("slot-booked").first.click()
    page.get_by_test_id("move").click()
    page.locator(f"label[for='slot-{second.uuid}']").click()
    page.locator("#id_reason").fill("По просьбе пациента")
    page.get_by_test_id("move-submit").click()
    page.wait_for_url(f"**/scheduling/appointments/{appointment.uuid}/")
    assert "10:30" in page.get_by_test_id("appointment-time").inner_text()
    appointment.refresh_from_db()
    assert appointment.slot == second and appointment.history.filter(event="moved").exists()
