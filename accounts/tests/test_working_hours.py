import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent, WorkingHours, WorkingHoursException
from accounts.roles import Role
from accounts.working_hours import Window, is_within, is_within_working_hours

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
MONDAY = datetime.date(2026, 3, 2)  # a Monday


def at(day: datetime.date, hh: int, mm: int, tz=ALMATY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hh, mm), tz)


@pytest.mark.req("DSM80-22.1")
def test_a_day_window_admits_its_first_minute_and_refuses_the_minute_after_it():
    weekly = {0: [Window(datetime.time(9, 0), datetime.time(18, 0))]}
    assert not is_within(at(MONDAY, 8, 59), ALMATY, weekly, {})
    assert is_within(at(MONDAY, 9, 0), ALMATY, weekly, {})
    assert is_within(at(MONDAY, 17, 59), ALMATY, weekly, {})
    assert not is_within(at(MONDAY, 18, 0), ALMATY, weekly, {})
    assert not is_within(at(MONDAY + datetime.timedelta(days=1), 10, 0), ALMATY, weekly, {})  # Tuesday


@pytest.mark.req("DSM80-22.1")
def test_a_night_shift_runs_past_midnight_into_the_next_morning():
    weekly = {0: [Window(datetime.time(22, 0), datetime.time(6, 0))]}  # Monday night
    tuesday = MONDAY + datetime.timedelta(days=1)
    assert not is_within(at(MONDAY, 21, 59), ALMATY, weekly, {})
    assert is_within(at(MONDAY, 23, 59), ALMATY, weekly, {})
    assert is_within(at(tuesday, 0, 0), ALMATY, weekly, {})
    assert is_within(at(tuesday, 5, 59), ALMATY, weekly, {})
    assert not is_within(at(tuesday, 6, 0), ALMATY, weekly, {})
    assert not is_within(at(tuesday, 23, 0), ALMATY, weekly, {})  # Tuesday night has no shift
    # An end of 00:00 is the end of the day.
    until_midnight = {0: [Window(datetime.time(20, 0), datetime.time(0, 0))]}
    assert is_within(at(MONDAY, 23, 59), ALMATY, until_midnight, {})
    assert not is_within(at(tuesday, 0, 0), ALMATY, until_midnight, {})


@pytest.mark.req("DSM80-22.1")
def test_the_window_is_read_in_the_clinics_time_zone():
    weekly = {0: [Window(datetime.time(9, 0), datetime.time(18, 0))]}
    moment = at(MONDAY, 9, 30, MOSCOW)  # 09:30 in Moscow is already past 11:00 in Almaty
    assert is_within(moment, MOSCOW, weekly, {})
    assert is_within(moment, ALMATY, weekly, {})
    late = at(MONDAY, 17, 30, MOSCOW)  # 17:30 Moscow = 19:30 or 20:30 Almaty: outside there
    assert is_within(late, MOSCOW, weekly, {})
    assert not is_within(late, ALMATY, weekly, {})


@pytest.mark.req("DSM80-22.1")
def test_exceptions_replace_the_weekly_hours_on_their_date():
    weekly = {0: [Window(datetime.time(9, 0), datetime.time(18, 0))]}
    day_off = {MONDAY: [None]}
    assert not is_within(at(MONDAY, 10, 0), ALMATY, weekly, day_off)
    other_hours = {MONDAY: [Window(datetime.time(14, 0), datetime.time(20, 0))]}
    assert not is_within(at(MONDAY, 10, 0), ALMATY, weekly, other_hours)
    assert is_within(at(MONDAY, 19, 0), ALMATY, weekly, other_hours)


def _restrict(user, start: datetime.datetime, end: datetime.datetime) -> None:
    """One weekly window from `start` to `end` (local clinic time), on the weekday `start` falls on."""
    start_local, end_local = timezone.localtime(start), timezone.localtime(end)
    WorkingHours.objects.create(user=user, weekday=start_local.weekday(), start=start_local.time(), end=end_local.time())
    user.working_hours_restricted = True
    user.save(update_fields=["working_hours_restricted"])


@pytest.mark.req("DSM80-22.1")
def test_a_request_one_minute_after_the_window_is_refused_and_journaled(client_as):
    client = client_as(Role.DOCTOR)
    now = timezone.now()
    _restrict(client.user, now - datetime.timedelta(hours=2), now - datetime.timedelta(minutes=1))

    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert "working hours" in response.content.decode()
    event = SecurityEvent.objects.get(event="working_hours_refused")
    assert event.user == client.user and event.outcome == "refused"
    # The session has ended: the next request is asked to sign in.
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.req("DSM80-22.1")
def test_a_request_inside_the_window_is_allowed(client_as):
    client = client_as(Role.DOCTOR)
    now = timezone.now()
    _restrict(client.user, now - datetime.timedelta(minutes=1), now + datetime.timedelta(minutes=5))
    assert is_within_working_hours(client.user)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.req("DSM80-22.1")
def test_a_day_off_exception_refuses_a_request_inside_the_weekly_window(client_as):
    client = client_as(Role.NURSE)
    now = timezone.now()
    _restrict(client.user, now - datetime.timedelta(minutes=1), now + datetime.timedelta(minutes=5))
    WorkingHoursException.objects.create(user=client.user, date=timezone.localdate(now - datetime.timedelta(minutes=1)))
    assert client.get(reverse("home")).status_code == 403


@pytest.mark.req("DSM80-22.1")
def test_sign_in_outside_working_hours_is_refused_with_the_reason(client, make_user, password):
    user = make_user(Role.REGISTRAR)
    now = timezone.now()
    _restrict(user, now + datetime.timedelta(hours=1), now + datetime.timedelta(hours=2))
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": password}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "only during your working hours" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(event="working_hours_refused", user=user).exists()


@pytest.mark.req("DSM80-22.1")
def test_the_administrator_sets_weekly_hours_and_exceptions_on_the_page(client_as, make_user):
    admin = client_as(Role.ADMINISTRATOR)
    doctor = make_user(Role.DOCTOR)
    url = reverse("accounts:user_working_hours", kwargs={"uuid": doctor.uuid})
    assert admin.get(url).status_code == 200
    data = {
        "restricted": "on",
        "weekly-TOTAL_FORMS": "2",
        "weekly-INITIAL_FORMS": "0",
        "weekly-0-weekday": "0",
        "weekly-0-start": "08:00",
        "weekly-0-end": "17:00",
        "weekly-1-weekday": "4",
        "weekly-1-start": "22:00",
        "weekly-1-end": "06:00",
        "exceptions-TOTAL_FORMS": "1",
        "exceptions-INITIAL_FORMS": "0",
        "exceptions-0-date": "2026-03-09",
        "exceptions-0-start": "",
        "exceptions-0-end": "",
        "exceptions-0-reason": "holiday",
    }
    response = admin.post(url, data)
    assert response.status_code == 302
    doctor.refresh_from_db()
    assert doctor.working_hours_restricted
    assert list(doctor.working_hours.values_list("weekday", "start", "end")) == [
        (0, datetime.time(8), datetime.time(17)),
        (4, datetime.time(22), datetime.time(6)),
    ]
    assert doctor.working_hours_exceptions.get().start is None
    assert SecurityEvent.objects.filter(event="working_hours_changed", user=doctor, actor=admin.user).exists()

    # A window that starts and ends at the same time is refused next to the row, and nothing changes.
    data["weekly-0-end"] = "08:00"
    response = admin.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "must not start and end at the same time" in response.content.decode()
    assert doctor.working_hours.count() == 2
