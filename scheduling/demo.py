"""Demo schedules: the demo doctor works weekdays in room 204 and takes video consultations on Saturday
mornings; every schedule gets its slots up to the booking horizon (idempotently)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .models import Schedule, ScheduleRule, Service
from .services import slots_extend

WEEK_DAYS = range(5)


@transaction.atomic
def seed(context) -> None:
    doctor = context.users.get("doctor")
    if doctor is None:
        return
    today = timezone.localdate()
    department, site = context.departments["THER"], context.sites.get("01")
    in_person, created = Schedule.objects.get_or_create(
        clinician=doctor,
        room="204",
        is_remote=False,
        defaults={"department": department, "site": site, "valid_from": today - datetime.timedelta(days=today.weekday())},
    )
    if created:
        in_person.services.set(Service.objects.filter(code__in=["A01.001", "A01.002"]))
        ScheduleRule.objects.bulk_create(
            ScheduleRule(
                schedule=in_person,
                weekday=day,
                start=datetime.time(9),
                end=datetime.time(18),
                break_start=datetime.time(13),
                break_end=datetime.time(14),
            )
            for day in WEEK_DAYS
        )
    remote, created = Schedule.objects.get_or_create(
        clinician=doctor,
        room="",
        is_remote=True,
        defaults={"department": department, "site": site, "valid_from": in_person.valid_from, "slot_minutes": 20},
    )
    if created:
        remote.services.set(Service.objects.filter(code__in=["T01.001", "T01.002"]))
        ScheduleRule.objects.create(schedule=remote, weekday=5, start=datetime.time(10), end=datetime.time(12))
    slots = slots_extend()
    if slots:
        context.log.append(gettext("Schedules: %(count)d bookable times in the coming weeks.") % {"count": slots})
