"""An administrator creates a user with two roles; the user signs in with the initial password, is made
to change it, enrols an authenticator app and reaches their page — all in a real browser."""

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from accounts.tests.helpers import current_totp
from tests.e2e.helpers import sign_in, sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.req("DSM80-22.2")
@pytest.mark.req("DSM80-22.4")
@pytest.mark.req("DSM80-22.7")
@pytest.mark.req("DSM80-22.8")
@pytest.mark.req("DSM80-27.4")
def test_a_new_user_is_created_signs_in_changes_the_password_and_enrols_the_second_factor(
    page, browser, live_server, make_user, org, password
):
    admin = make_user(Role.ADMINISTRATOR, username="chief")
    admin_device = TOTPDevice.objects.create(user=admin, name="totp", confirmed=True)

    # The administrator signs in (password and code) and creates the user with two roles.
    sign_in_staff(page, "chief", password, admin_device)
    page.goto("/staff/users/new/")
    page.locator("#id_username").fill("aliya")
    page.locator("#id_last_name").fill("Серикова")
    page.locator("#id_first_name").fill("Алия")
    page.locator("#id_email").fill("aliya@test.mis.local")
    page.locator("#id_unit").select_option(f"department:{org.departments[0].uuid}")
    page.locator(f"input[name=roles][value='{Group.objects.get(name=Role.DOCTOR).pk}']").check()
    page.locator(f"input[name=roles][value='{Group.objects.get(name=Role.NURSE).pk}']").check()
    page.locator("main form button[type=submit]").click()
    initial_password = page.get_by_test_id("initial-password").inner_text().strip()
    assert sorted(User.objects.get(username="aliya").role_names()) == ["doctor", "nurse"]
    page.screenshot(path="var/screenshots/user-created.png", full_page=True)

    # The new user, in their own browser, signs in with the initial password.
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    user_page = context.new_page()
    user_page.set_default_timeout(15_000)
    sign_in(user_page, "aliya", initial_password)
    user_page.wait_for_url("**/staff/password/**")
    assert user_page.get_by_test_id("forced-change").is_visible()
    user_page.locator("#id_new_password1").fill(initial_password)
    user_page.locator("#id_new_password2").fill(initial_password)
    user_page.locator("#id_new_password2").press("Enter")
    assert user_page.get_by_test_id("error-new_password2").is_visible()  # the initial one cannot be kept
    user_page.locator("#id_new_password1").fill("Steppe-Eagle-2026!")
    user_page.locator("#id_new_password2").fill("Steppe-Eagle-2026!")
    user_page.locator("#id_new_password2").press("Enter")

    # Then the authenticator app: the QR code is on the page; the app's first code confirms it.
    user_page.wait_for_url("**/staff/mfa/enrol/**")
    assert user_page.get_by_test_id("totp-qr").get_attribute("src").startswith("data:image/svg+xml;base64,")
    device = TOTPDevice.objects.get(user__username="aliya", confirmed=False)
    user_page.locator("#id_code").fill(current_totp(device))
    user_page.locator("#id_code").press("Enter")
    assert user_page.get_by_test_id("backup-codes").locator("li").count() == 10
    user_page.screenshot(path="var/screenshots/backup-codes.png", full_page=True)
    user_page.locator("main a.btn-primary").click()

    user_page.wait_for_url(f"{live_server.url}/")
    assert "Серикова Алия" in user_page.get_by_role("heading", level=1).inner_text()
    roles = user_page.get_by_test_id("role-list").inner_text()
    assert "Врач" in roles and "Медицинская сестра" in roles
    context.close()
