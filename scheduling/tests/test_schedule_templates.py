"""The front desk keeps clinicians' weekly templates: hours, breaks, exceptions; the slots follow at once,
booked patients are never dropped silently, and every change reaches the national schedule service."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, OrganisationFactory
from audit.models import AuditEntry
from integrations.models import OutboxMessage
from patients.tests.factories import PatientFactory
from scheduling.models import Schedule, ScheduleException, Slot
from scheduling.services import appointment_book, is_public_holiday, slots_extend
from scheduling.tests.factories import ScheduleFactory, ServiceFactory, weekdays_9_to_13

NO_HOURS = {"start": "", "end": "", "break_start": "", "break_end": ""}


def next_working(weekday: int) -> datetime.date:
    """The first date from the day after tomorrow that falls on the weekday and is no public holiday."""
    day = timezone.localdate() + datetime.timedelta(days=2)
    while day.weekday() != weekday or is_public_holiday(day):
        day += datetime.timedelta(days=1)
    return day


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), timezone.get_default_timezone())


def form_data(doctor, department, service, hours: dict[int, dict], **fields) -> dict:
    data = {
        "clinician": doctor.uuid,
        "department": department.uuid,
        "site": "",
        "room": "204",
        "services": [service.pk],
        "slot_minutes": 15,
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": "",
        "primary_care": "on",
        "hours-TOTAL_FORMS": 7,
        "hours-INITIAL_FORMS": 7,
        "hours-MIN_NUM_FORMS": 7,
        "hours-MAX_NUM_FORMS": 7,
        **fields,
    }
    for day in range(7):
        data[f"hours-{day}-weekday"] = day
        for name, value in {**NO_HOURS, **hours.get(day, {})}.items():
            data[f"hours-{day}-{name}"] = value
    return data


WEEKDAYS_9_TO_13 = {day: {"start": "09:00", "end": "13:00"} for day in range(5)}


@pytest.fixture
def desk(org, make_user, client_as):
    class Desk:
        pass

    desk = Desk()
    desk.client = client_as(Role.REGISTRAR)
    desk.registrar = desk.client.user
    desk.doctor = make_user(Role.DOCTOR, department=org.departments[0], last_name="Серикова", first_name="Айгуль")
    desk.department = org.departments[0]
    desk.service = ServiceFactory(code="A01.002")
    return desk


def _schedule_pushes() -> list[dict]:
    return [m.payload["changes"][0] for m in OutboxMessage.objects.filter(channel="national.schedule").order_by("id")]


@pytest.mark.req("DSM39-4.5")
@pytest.mark.req("DSM80-8")
def test_a_registrar_creates_a_weekly_template_and_its_slots_reach_the_horizon(desk):
    hours = {**WEEKDAYS_9_TO_13, 0: {"start": "09:00", "end": "13:00", "break_start": "11:00", "break_end": "11:30"}}
    response = desk.client.post("/scheduling/schedules/new/", form_data(desk.doctor, desk.department, desk.service, hours))
    assert response.status_code == 302
    schedule = Schedule.objects.get(clinician=desk.doctor)
    assert schedule.rules.count() == 5 and list(schedule.services.all()) == [desk.service]
    monday, friday = next_working(0), next_working(4)
    starts = {s.starts_at for s in Slot.objects.filter(schedule=schedule)}
    assert at(monday, 9) in starts and at(monday, 10, 45) in starts
    assert at(monday, 11) not in starts and at(monday, 11, 15) not in starts and at(monday, 11, 30) in starts
    assert at(friday, 12, 45) in starts and at(friday, 13) not in starts
    assert not any(timezone.localtime(s).weekday() >= 5 for s in starts)
    last_day = timezone.localdate() + datetime.timedelta(days=settings.SCHEDULE_HORIZON_DAYS)
    assert max(timezone.localtime(s).date() for s in starts) > last_day - datetime.timedelta(days=7)
    assert max(timezone.localtime(s).date() for s in starts) <= last_day
    [push] = _schedule_pushes()
    assert push["change"] == "created" and push["added"] == len(starts)
    page = desk.client.get("/scheduling/schedules/")
    assert "Серикова Айгуль" in page.content.decode()


@pytest.mark.req("DSM39-4.5")
@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("hours", "fields", "message"),
    [
        ({0: {"start": "13:00", "end": "09:00"}}, {}, "must end after it starts"),
        ({0: {"start": "09:00", "end": ""}}, {}, "Give both the start and the end"),
        ({0: {"start": "09:00", "end": "13:00", "break_start": "08:00", "break_end": "08:30"}}, {}, "inside the working"),
        ({0: {"start": "09:00", "end": "09:10"}}, {}, "shorter than one slot of 15 minutes"),
        ({}, {}, "at least one weekday"),
        (WEEKDAYS_9_TO_13, {"room": ""}, "Give the room"),
        (WEEKDAYS_9_TO_13, {"is_remote": "on", "room": ""}, "do not match the schedule"),
        (WEEKDAYS_9_TO_13, {"valid_until": "2001-01-01"}, "cannot end before it starts"),
        (WEEKDAYS_9_TO_13, {"slot_minutes": 2}, "greater than or equal to 5"),
    ],
)
def test_a_wrong_template_says_why_and_saves_nothing(desk, hours, fields, message):
    data = form_data(desk.doctor, desk.department, desk.service, hours, **fields)
    response = desk.client.post("/scheduling/schedules/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Schedule.objects.exists() and not Slot.objects.exists() and not OutboxMessage.objects.exists()
    assert 'value="204"' in response.content.decode() or fields.get("room") == ""  # what was typed is kept


@pytest.mark.req("DSM39-4.5")
@pytest.mark.usefixtures("english")
def test_a_clinician_is_never_due_in_two_places_at_once(desk):
    weekdays_9_to_13(ScheduleFactory(clinician=desk.doctor, department=desk.department, room="101"))
    data = form_data(desk.doctor, desk.department, desk.service, {2: {"start": "12:00", "end": "16:00"}}, room="305")
    response = desk.client.post("/scheduling/schedules/new/", data)
    assert response.status_code == 400
    assert "Wednesday: this clinician already works 09:00–13:00 in another schedule (101)" in response.content.decode()
    assert Schedule.objects.count() == 1


@pytest.mark.req("DSM39-4.5")
@pytest.mark.usefixtures("english")
def test_a_schedule_keeps_its_clinician(desk, make_user, org):
    desk.client.post("/scheduling/schedules/new/", form_data(desk.doctor, desk.department, desk.service, WEEKDAYS_9_TO_13))
    schedule = Schedule.objects.get(clinician=desk.doctor)
    other = make_user(Role.DOCTOR, department=org.departments[0])
    data = form_data(other, desk.department, desk.service, WEEKDAYS_9_TO_13)
    response = desk.client.post(f"/scheduling/schedules/{schedule.uuid}/", data)
    assert response.status_code == 400 and "keeps its clinician" in response.content.decode()
    assert Schedule.objects.get(pk=schedule.pk).clinician == desk.doctor


@pytest.mark.req("DSM39-4.5")
@pytest.mark.req("DSM80-8")
def test_shorter_hours_keep_the_booked_patient_and_ask_for_a_move(desk, org):
    desk.client.post("/scheduling/schedules/new/", form_data(desk.doctor, desk.department, desk.service, WEEKDAYS_9_TO_13))
    schedule = Schedule.objects.get(clinician=desk.doctor)
    friday = next_working(4)
    patient = PatientFactory(organisation=org.organisation, site=org.sites[0])
    late = Slot.objects.get(schedule=schedule, starts_at=at(friday, 12, 30))
    appointment = appointment_book(actor=desk.registrar, patient=patient, slot=late, service=desk.service)

    hours = {**WEEKDAYS_9_TO_13, 4: {"start": "09:00", "end": "12:00"}}
    response = desk.client.post(
        f"/scheduling/schedules/{schedule.uuid}/", form_data(desk.doctor, desk.department, desk.service, hours)
    )
    assert response.status_code == 302
    friday_slots = {
        s.starts_at: s for s in Slot.objects.filter(schedule=schedule) if timezone.localtime(s.starts_at).date() == friday
    }
    assert at(friday, 12, 15) not in friday_slots and at(friday, 11, 45) in friday_slots
    assert friday_slots[at(friday, 12, 30)].is_blocked  # kept for its patient, closed to new bookings
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    page = desk.client.get(f"/scheduling/schedules/{schedule.uuid}/").content.decode()
    assert f"/scheduling/appointments/{appointment.uuid}/move/" in page
    listing = desk.client.get("/scheduling/schedules/")
    assert listing.context["schedules"][0].to_move == 1
    assert _schedule_pushes()[-1]["change"] == "template_changed"


@pytest.mark.req("DSM39-4.5")
@pytest.mark.req("DSM80-8")
def test_a_sick_day_closes_the_day_and_removing_it_reopens_it(desk, org):
    schedule = weekdays_9_to_13(ScheduleFactory(clinician=desk.doctor, department=desk.department))
    desk.client.post(
        f"/scheduling/schedules/{schedule.uuid}/",
        form_data(desk.doctor, desk.department, desk.service, WEEKDAYS_9_TO_13, room="101"),
    )
    tuesday = next_working(1)
    patient = PatientFactory(organisation=org.organisation, site=org.sites[0])
    booked = Slot.objects.get(schedule=schedule, starts_at=at(tuesday, 10))
    appointment = appointment_book(actor=desk.registrar, patient=patient, slot=booked, service=desk.service)

    def that_day():
        return Slot.objects.filter(schedule=schedule, starts_at__range=(at(tuesday, 0), at(tuesday, 23)))

    response = desk.client.post(
        f"/scheduling/schedules/{schedule.uuid}/exceptions/", {"date": tuesday.isoformat(), "kind": "sick", "reason": "ОРВИ"}
    )
    assert response.status_code == 302
    assert [(s.starts_at, s.is_blocked) for s in that_day()] == [(at(tuesday, 10), True)]
    page = desk.client.get(f"/scheduling/schedules/{schedule.uuid}/").content.decode()
    assert appointment.patient_name in page and "ОРВИ" in page
    assert _schedule_pushes()[-1] == {
        "change": "exception_sick",
        "date": tuesday.isoformat(),
        "from": tuesday.isoformat(),
        "to": tuesday.isoformat(),
        "added": 0,
        "removed": 15,
        "reopened": 0,
    }

    exception = ScheduleException.objects.get(schedule=schedule)
    desk.client.post(f"/scheduling/schedules/{schedule.uuid}/exceptions/{exception.pk}/remove/")
    assert that_day().count() == 16 and not that_day().filter(is_blocked=True).exists()
    assert _schedule_pushes()[-1]["change"] == "exception_removed"


@pytest.mark.req("DSM39-4.5")
@pytest.mark.usefixtures("english")
def test_extra_hours_add_slots_and_bad_exceptions_say_why(desk):
    schedule = weekdays_9_to_13(ScheduleFactory(clinician=desk.doctor, department=desk.department))
    saturday = next_working(5)
    url = f"/scheduling/schedules/{schedule.uuid}/exceptions/"
    response = desk.client.post(url, {"date": saturday.isoformat(), "kind": "extra", "start": "10:00", "end": "11:00"})
    assert response.status_code == 302
    extra = Slot.objects.filter(schedule=schedule, starts_at__gte=at(saturday, 10), starts_at__lt=at(saturday, 11))
    assert extra.count() == 4
    for data, message in [
        ({"date": "2001-01-01", "kind": "day_off"}, "This date has passed."),
        ({"date": saturday.isoformat(), "kind": "extra", "start": "11:00"}, "end after they start"),
        ({"date": "31.02.2030", "kind": "day_off"}, "Enter a valid date."),
        ({"date": saturday.isoformat(), "kind": "holiday"}, "Select a valid choice."),
    ]:
        response = desk.client.post(url, data)
        assert response.status_code == 400 and message in response.content.decode(), data
    assert ScheduleException.objects.count() == 1


@pytest.mark.req("DSM39-4.5")
def test_another_clinics_schedule_is_not_found(desk, make_user):
    stranger = DepartmentFactory(organisation=OrganisationFactory(code="OTHER"), code="X")
    schedule = ScheduleFactory(clinician=make_user(Role.DOCTOR), department=stranger)
    assert desk.client.get(f"/scheduling/schedules/{schedule.uuid}/").status_code == 404
    assert desk.client.post(f"/scheduling/schedules/{schedule.uuid}/exceptions/", {}).status_code == 404
    assert schedule not in desk.client.get("/scheduling/schedules/").context["schedules"]


@pytest.mark.req("DSM39-4.5")
@pytest.mark.req("DSM80-8")
def test_the_nightly_extension_is_a_few_statements_whatever_the_number_of_schedules(org, make_user):
    def schedules(n):
        for _ in range(n):
            weekdays_9_to_13(ScheduleFactory(clinician=make_user(Role.DOCTOR), department=org.departments[0]))

    schedules(2)
    with CaptureQueriesContext(connection) as few:
        made = slots_extend()
    assert made > 0 and slots_extend() == 0
    assert OutboxMessage.objects.filter(channel="national.schedule").count() == 2
    Slot.objects.all().delete()
    OutboxMessage.objects.all().delete()
    schedules(6)
    with CaptureQueriesContext(connection) as many:
        assert slots_extend() == made * 4
    assert len(many.captured_queries) == len(few.captured_queries)
    assert OutboxMessage.objects.filter(channel="national.schedule").count() == 8


@pytest.mark.req("DSM39-4.6")
def test_a_clinician_sees_their_own_week_and_the_front_desk_anyone_s(desk, org, client, django_assert_max_num_queries):
    from accounts.tests.helpers import force_login_verified

    schedule = weekdays_9_to_13(ScheduleFactory(clinician=desk.doctor, department=desk.department))
    slots_extend()
    monday = next_working(0)
    patient = PatientFactory(organisation=org.organisation, site=org.sites[0])
    slot = Slot.objects.get(schedule=schedule, starts_at=at(monday, 9))
    appointment_book(actor=desk.registrar, patient=patient, slot=slot, service=desk.service)

    with django_assert_max_num_queries(14):
        response = desk.client.get("/scheduling/week/", {"clinician": desk.doctor.uuid, "date": monday.isoformat()})
    days = response.context["days"]
    assert [d.date.weekday() for d in days] == list(range(7)) and days[0].date == monday
    assert len(days[0].cells) == 16 and days[0].cells[0].patient_name == patient.full_name
    assert days[5].cells == [] and days[6].cells == []
    assert AuditEntry.objects.latest("id").fields["patients"] == [patient.pk]  # whose names the week showed

    force_login_verified(client, desk.doctor)
    own = client.get("/scheduling/week/", {"date": monday.isoformat()})
    assert own.status_code == 200 and own.context["form"].cleaned_data["clinician"] == desk.doctor
    assert desk.client.get("/scheduling/week/", {"clinician": "not-a-uuid"}).status_code == 400
