"""A registrar registers a patient, checking them in the person registry; the patient signs up for the
personal cabinet with the SMS code and opens it — in a real browser against the national-systems simulator."""

import datetime
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from audit.models import AuditEntry
from patients.models import Patient
from patients.tests.factories import iin_for
from tests.e2e.helpers import sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.req("DSM39-4.4")
@pytest.mark.req("DSM80-11")
@pytest.mark.req("DSM39-4.12")
def test_a_registrar_registers_a_patient_who_signs_up_and_opens_the_cabinet(
    page, browser, live_server, make_user, org, password, national_sim
):
    registrar = make_user(Role.REGISTRAR, username="front-desk")
    device = TOTPDevice.objects.create(user=registrar, name="totp", confirmed=True)
    iin = iin_for(datetime.date(1992, 8, 14), "F")
    national_sim.control(
        "persons",
        iin=iin,
        last_name="Бекова",
        first_name="Жанар",
        middle_name="Ерлановна",
        birth_date="1992-08-14",
        sex="F",
        citizenship="KZ",
        address="г. Алматы, ул. Абая, 1",
    )

    sign_in_staff(page, "front-desk", password, device)
    page.goto("/patients/new/")
    page.locator("#id_iin").fill(iin)
    page.locator("#id_last_name").fill("Бекова")
    page.locator("#id_first_name").fill("Жанна")
    page.locator("#id_birth_date").fill("1992-08-15")  # mistyped
    page.locator("#id_sex").select_option("F")
    page.locator("#id_phone").fill("8 701 444 55 66")
    page.locator("#id_site").select_option(str(org.sites[0].pk))

    # The registry knows her under another name and patronymic; the registrar takes them field by field.
    page.get_by_test_id("registry-lookup").click()
    differences = page.get_by_test_id("registry-differences")
    assert "Жанар" in differences.inner_text() and "Ерлановна" in differences.inner_text()
    page.locator("#accept-registration_address").uncheck()
    page.get_by_test_id("registry-accept").click()
    assert page.locator("#id_first_name").input_value() == "Жанар"
    assert page.locator("#id_middle_name").input_value() == "Ерлановна"
    assert page.locator("#id_birth_date").input_value() == "1992-08-14"
    assert page.locator("#id_phone").input_value() == "8 701 444 55 66"  # what was typed is kept
    page.get_by_test_id("save-patient").click()
    page.wait_for_url("**/patients/*-*/")
    assert "Бекова Жанар Ерлановна" in page.get_by_test_id("patient-name").inner_text()
    patient = Patient.objects.get(iin=iin)
    assert patient.phone == "+77014445566" and patient.registry_checked_at is not None

    # Search finds her as the registrar types (htmx).
    page.goto("/patients/")
    page.locator("#patient-search").fill("Бекова Жа")
    page.get_by_test_id("search-results").get_by_text("Бекова Жанар Ерлановна").wait_for()
    page.screenshot(path="var/screenshots/patient-search.png", full_page=True)

    # The patient, on her phone, signs up with the SMS code.
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    patient_page = context.new_page()
    patient_page.set_default_timeout(15_000)
    patient_page.goto("/patients/sign-up/")
    patient_page.locator("#id_iin").fill(iin)
    patient_page.locator("#id_phone").fill("+7 701 444 55 66")
    patient_page.get_by_test_id("sign-up-form").locator("button[type=submit]").click()
    patient_page.wait_for_url("**/patients/sign-up/code/")
    sms = national_sim.requests("/sms/")[-1]["body"]
    assert sms["phone"] == "+77014445566"
    code = re.search(r"\b(\d{6})\b", sms["text"]).group(1)
    patient_page.locator("#id_code").fill(code)
    patient_page.locator("#id_password1").fill("Steppe-Eagle-2026!")
    patient_page.locator("#id_password2").fill("Steppe-Eagle-2026!")
    patient_page.get_by_test_id("sign-up-code-form").locator("button[type=submit]").click()
    patient_page.wait_for_url("**/patients/cabinet/")
    assert "Бекова Жанар" in patient_page.get_by_test_id("cabinet-person").inner_text()
    patient_page.get_by_test_id("section-profile").click()
    assert iin in patient_page.get_by_test_id("cabinet-profile").inner_text()
    patient_page.screenshot(path="var/screenshots/cabinet-profile.png", full_page=True)
    context.close()
    assert AuditEntry.objects.filter(patient=patient, action="view", actor__username=iin).exists()
