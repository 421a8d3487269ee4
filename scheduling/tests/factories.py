import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from scheduling.models import Schedule, ScheduleRule, Service, Slot


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"X{n:05d}")
    name_ru = "Приём врача"
    name_kk = "Дәрігердің қабылдауы"
    name_en = "Clinician visit"
    duration_minutes = 15


class ScheduleFactory(DjangoModelFactory):
    class Meta:
        model = Schedule
        skip_postgeneration_save = True

    room = "101"
    slot_minutes = 15
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        if create:
            self.services.set(extracted or [ServiceFactory(code="A01.002")])


def weekdays_9_to_13(schedule: Schedule) -> Schedule:
    ScheduleRule.objects.bulk_create(
        ScheduleRule(schedule=schedule, weekday=day, start=datetime.time(9), end=datetime.time(13)) for day in range(5)
    )
    return schedule


def slot_for(schedule: Schedule, starts_at: datetime.datetime) -> Slot:
    return Slot.objects.create(
        schedule=schedule,
        clinician_id=schedule.clinician_id,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=schedule.slot_minutes),
    )


def tomorrow_at(hour: int, minute: int = 0) -> datetime.datetime:
    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1), datetime.time(hour, minute), zone)
