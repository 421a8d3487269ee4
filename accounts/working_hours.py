"""Is a moment inside a user's working hours (DSM80-22.1)?

The weekly windows and the dated exceptions are read in the time zone of the user's organisation (the
clinic's zone when the user has none). A window whose end is before its start crosses midnight into the
next day; an end of 00:00 is midnight at the end of the day. On a date with exceptions, the exceptions
replace that date's weekly windows (an exception without times is a day off); a window that started the
evening before still runs into that date.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

MIDNIGHT = datetime.time(0, 0)


@dataclass(frozen=True)
class Window:
    start: datetime.time
    end: datetime.time

    @property
    def crosses_midnight(self) -> bool:
        return self.end != MIDNIGHT and self.end < self.start

    def contains_on_its_day(self, moment: datetime.time) -> bool:
        if self.crosses_midnight or self.end == MIDNIGHT:
            return moment >= self.start
        return self.start <= moment < self.end

    def contains_next_morning(self, moment: datetime.time) -> bool:
        return self.crosses_midnight and moment < self.end


def user_time_zone(user) -> zoneinfo.ZoneInfo:
    organisation = getattr(user, "organisation", None)
    name = organisation.time_zone if organisation is not None else settings.CLINIC_TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.CLINIC_TIME_ZONE)


def windows_for(day: datetime.date, weekly: dict[int, list[Window]], exceptions: dict) -> list[Window]:
    if day in exceptions:
        return [window for window in exceptions[day] if window is not None]
    return weekly.get(day.weekday(), [])


def is_within(moment: datetime.datetime, tz, weekly: dict[int, list[Window]], exceptions: dict) -> bool:
    local = moment.astimezone(tz)
    today, now = local.date(), local.time()
    if any(window.contains_on_its_day(now) for window in windows_for(today, weekly, exceptions)):
        return True
    yesterday = today - datetime.timedelta(days=1)
    return any(window.contains_next_morning(now) for window in windows_for(yesterday, weekly, exceptions))


def is_within_working_hours(user, moment: datetime.datetime | None = None) -> bool:
    """True when the user may work at `moment` (now by default); always true without a restriction."""
    if not user.working_hours_restricted:
        return True
    moment = moment or timezone.now()
    tz = user_time_zone(user)
    local_day = moment.astimezone(tz).date()
    weekly: dict[int, list[Window]] = {}
    for weekday, start, end in user.working_hours.values_list("weekday", "start", "end"):
        weekly.setdefault(weekday, []).append(Window(start, end))
    exceptions: dict[datetime.date, list[Window | None]] = {}
    rows = user.working_hours_exceptions.filter(date__in=[local_day, local_day - datetime.timedelta(days=1)]).values_list(
        "date", "start", "end"
    )
    for day, start, end in rows:
        exceptions.setdefault(day, []).append(Window(start, end) if start is not None else None)
    return is_within(moment, tz, weekly, exceptions)
