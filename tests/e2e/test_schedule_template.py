"""A registrar sets up a clinician's weekly schedule, marks a sick day, and opens the clinician's week —
in a real browser."""

import datetime

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from scheduling.models import Schedule, ScheduleException
from scheduling.services import is_public_holiday
from scheduling.tests.factories import ServiceFactory
from scheduling.tests.test_schedule_templates import next_working
from tests.e2e.helpers import shot, sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.req("DSM39-4.5")
def test_a_registrar_sets_up_a_schedule_marks_a_sick_day_and_opens_the_week(page, live_server, make_user, org, password):
    make_user(Role.DOCTOR, department=org.departments[0], last_name="Серикова", first_name="Айгуль")
    service = ServiceFactory(code="A01.002", name_ru="Приём терапевта")
    registrar = make_user(Role.REGISTRAR, username="front-desk")
    sign_in_staff(page, "front-desk", password, TOTPDevice.objects.create(user=registrar, name="totp", confirmed=True))

    page.goto("/scheduling/schedules/")
    page.get_by_test_id("schedule-new").click()
    page.locator("#id_clinician").select_option(label="Серикова Айгуль")
    page.locator("#id_department").select_option(str(org.departments[0].uuid))
    page.locator("#id_room").fill("204")
    page.get_by_label("A01.002", exact=False).check()
    for day in range(5):
        page.locator(f"#id_hours-{day}-start").fill("09:00")
        page.locator(f"#id_hours-{day}-end").fill("13:00")
    page.locator("#id_hours-4-end").fill("08:00")  # a slip: Friday ends before it starts
    page.get_by_test_id("schedule-save").click()
    assert page.get_by_test_id("hours-error").count() == 1
    assert page.locator("#id_room").input_value() == "204"  # what was typed is kept
    page.locator("#id_hours-4-end").fill("13:00")
    page.get_by_test_id("schedule-save").click()
    page.wait_for_url("**/scheduling/schedules/*-*/")
    shot(page, "schedule-form")
    schedule = Schedule.objects.get(room="204")
    assert list(schedule.services.all()) == [service] and schedule.rules.count() == 5

    tuesday = next_working(1)
    page.locator("#id_date").fill(tuesday.isoformat())
    page.locator("#id_kind").select_option("sick")
    page.locator("#id_reason").fill("Больничный")
    page.get_by_test_id("exception-add").click()
    page.wait_for_url(f"**/scheduling/schedules/{schedule.uuid}/")
    assert "Больничный" in page.get_by_test_id("exceptions").inner_text()
    assert ScheduleException.objects.filter(schedule=schedule, date=tuesday, kind="sick").exists()

    page.goto(f"/scheduling/week/?clinician={schedule.clinician.uuid}&date={tuesday.isoformat()}")
    shot(page, "week")
    columns = page.get_by_test_id("week-day")
    assert columns.count() == 7
    assert columns.nth(1).get_by_test_id("slot-free").count() == 0  # the sick day
    wednesday = tuesday + datetime.timedelta(days=1)
    assert columns.nth(2).get_by_test_id("slot-free").count() == (0 if is_public_holiday(wednesday) else 16)
