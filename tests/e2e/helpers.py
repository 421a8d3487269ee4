"""Steps that many browser journeys share."""

import os
import re

from accounts.tests.helpers import current_totp

HOME_PAGE = re.compile(r"^https?://[^/]+/$")


def sign_in(page, login: str, password: str) -> None:
    """The first factor, as a person types it on the sign-in page."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(login)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")


def sign_in_staff(page, login: str, password: str, device) -> None:
    """Password, then the code the staff member's authenticator app shows now; lands on the home page."""
    sign_in(page, login, password)
    page.wait_for_url("**/staff/mfa/verify/**")
    page.locator("#id_code").fill(current_totp(device))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(HOME_PAGE)


def shot(page, name: str) -> None:
    """A full-page screenshot into $SCREENSHOTS_DIR when it is set: to look at the pages a journey passes."""
    if folder := os.environ.get("SCREENSHOTS_DIR"):
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)
