"""A person signs in through a real browser and reads their page in Russian and in Kazakh."""

import io

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import demo_password
from accounts.tests.helpers import current_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.req("DSM80-24.3")
@pytest.mark.req("DSM39-4.4")
@pytest.mark.req("DSM80-27.4")
def test_demo_doctor_signs_in_and_reads_their_page_in_russian_and_kazakh(page):
    call_command("seed_demo", "--patients", "5", stdout=io.StringIO())

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.get_by_label("Имя пользователя или e-mail").fill("doctor")
    page.get_by_label("Пароль").fill(demo_password("doctor"))
    page.get_by_role("button", name="Войти").click()

    # The second factor: the code the doctor's authenticator app shows now (seed_demo printed its key).
    page.wait_for_url("**/staff/mfa/verify/**")
    device = TOTPDevice.objects.get(user__username="doctor", confirmed=True)
    page.locator("#id_code").fill(current_totp(device))
    page.locator("#id_code").press("Enter")

    page.wait_for_url("**/")
    welcome = "Добро пожаловать, Ахметова Айгерим Нурлановна"
    assert page.get_by_role("heading", level=1).inner_text() == welcome
    assert "Врач" in page.get_by_test_id("role-list").inner_text()

    page.get_by_role("button", name="KK").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.get_by_role("heading", level=1).inner_text() == "Қош келдіңіз, Ахметова Айгерим Нурлановна"
    assert "Дәрігер" in page.get_by_test_id("role-list").inner_text()
    page.screenshot(path="var/screenshots/doctor-home-kk.png", full_page=True)
