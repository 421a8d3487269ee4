"""Sessions end after inactivity, and an active one is not rewritten on every request."""

import pytest
from django.contrib.sessions.models import Session

from accounts.roles import Role


@pytest.mark.req("DSM80-27.5")
def test_an_active_session_slides_its_expiry_once_a_minute(client_as, monkeypatch, settings):
    client = client_as(Role.REGISTRAR)
    clock = [1_000_000.0]
    monkeypatch.setattr("mis.middleware.time.time", lambda: clock[0])

    def expiry():
        return Session.objects.get(pk=client.session.session_key).expire_date

    assert client.get("/").status_code == 200
    touched = expiry()
    clock[0] += 30
    client.get("/")
    assert expiry() == touched  # within the minute: nothing written
    clock[0] += 31
    client.get("/")
    assert expiry() > touched  # the inactivity window starts again
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and not settings.SESSION_SAVE_EVERY_REQUEST
