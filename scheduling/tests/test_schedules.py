"""Slots from weekly templates, in the clinic's time zone, around Kazakhstan's public holidays."""

import datetime
import zoneinfo

import pytest

from scheduling.models import ScheduleException
from scheduling.services import planned_slots
from scheduling.tests.factories import ScheduleFactory, weekdays_9_to_13

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
WEEK_OF_INDEPENDENCE_DAY = (datetime.date(2026, 12, 14), datetime.date(2026, 12, 20))  # 16 December: Wednesday


@pytest.fixture
def schedule(org, make_user):
    doctor = make_user("doctor", department=org.departments[0])
    return weekdays_9_to_13(
        ScheduleFactory(clinician=doctor, department=org.departments[0], valid_from=datetime.date(2026, 12, 1))
    )


@pytest.mark.req("DSM39-4.5")
def test_a_week_with_a_public_holiday_has_no_slots_that_day(schedule):
    planned = planned_slots(schedule, *WEEK_OF_INDEPENDENCE_DAY)
    days = {}
    for starts_at in sorted(planned):
        days.setdefault(starts_at.astimezone(ALMATY).date(), []).append(starts_at)
    assert len(planned) == 4 * 16
    assert sorted(days) == [datetime.date(2026, 12, d) for d in (14, 15, 17, 18)]
    first = days[datetime.date(2026, 12, 14)][0]
    assert first.astimezone(ALMATY).time() == datetime.time(9)
    assert first.astimezone(datetime.UTC).time() == datetime.time(4)  # Almaty is UTC+5


@pytest.mark.req("DSM39-4.5")
def test_breaks_and_exceptions_shape_the_plan(schedule):
    rule = schedule.rules.get(weekday=0)
    rule.break_start, rule.break_end = datetime.time(11), datetime.time(11, 30)
    rule.save()
    ScheduleException.objects.create(schedule=schedule, date=datetime.date(2026, 12, 15), kind="sick")
    ScheduleException.objects.create(
        schedule=schedule, date=datetime.date(2026, 12, 19), kind="extra", start=datetime.time(10), end=datetime.time(11)
    )
    start, end = WEEK_OF_INDEPENDENCE_DAY
    planned = planned_slots(schedule, start, end)
    assert len(planned) == 14 + 16 + 16 + 4
    monday = [at.astimezone(ALMATY).time() for at in planned if at.astimezone(ALMATY).date() == start]
    assert datetime.time(11) not in monday and datetime.time(11, 15) not in monday and datetime.time(11, 30) in monday
