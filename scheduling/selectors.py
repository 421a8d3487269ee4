"""Reads of the scheduling app, always from what the user may see."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.access import patients_visible_to
from accounts.models import User
from accounts.permissions import administered_organisations
from patients.cabinet import cabinet_patients, next_on

from .choices import LIVE_STATUSES, REMOTE_FORMS, AppointmentStatus
from .models import Appointment, Schedule, Slot


def appointments_visible_to(user) -> QuerySet[Appointment]:
    if not user.is_authenticated:
        return Appointment.objects.none()
    q = Q(clinician=user) | Q(patient__in=cabinet_patients(user))
    if user.has_perm("scheduling.view_appointment"):
        q |= Q(patient__in=patients_visible_to(user))
    return Appointment.objects.filter(q)


def _day_bounds(date: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(date, datetime.time.min, zone)
    return start, start + datetime.timedelta(days=1)


@dataclass(slots=True)
class GridCell:
    """One slot as a grid shows it: plain values, so that a day of a whole department stays cheap."""

    uuid: object
    time: str  # HH:MM in the clinic's time zone
    is_blocked: bool
    appointment_uuid: object = None
    patient_name: str = ""
    patient_id: int | None = None
    href: str = ""  # set by the view: the appointment, or booking the free slot

    @property
    def patient_surname(self) -> str:
        return self.patient_name.split(" ", 1)[0]


@dataclass
class GridRow:
    clinician: object
    cells: list = field(default_factory=list)


def _cells(slots: QuerySet[Slot], *, clinician_ids, start, end) -> list[tuple[int, datetime.date, GridCell]]:
    """(clinician id, local date, cell) of the slots in time order, with their live appointments: two
    queries whatever the size."""
    booked = {
        slot_id: (uuid, name, patient_id)
        for slot_id, uuid, name, patient_id in Appointment.objects.filter(
            clinician_id__in=clinician_ids, starts_at__gte=start, starts_at__lt=end, status__in=LIVE_STATUSES
        ).values_list("slot_id", "uuid", "patient_name", "patient_id")
    }
    zone = timezone.get_default_timezone()
    cells = []
    for pk, uuid, clinician_id, starts_at, is_blocked in slots.values_list(
        "pk", "uuid", "clinician_id", "starts_at", "is_blocked"
    ).order_by("starts_at"):
        local = starts_at.astimezone(zone)
        appointment_uuid, name, patient_id = booked.get(pk, (None, "", None))
        cell = GridCell(uuid, local.strftime("%H:%M"), is_blocked, appointment_uuid, name, patient_id=patient_id)
        cells.append((clinician_id, local.date(), cell))
    return cells


def day_grid(*, department, date: datetime.date, service=None, form: str = "") -> list[GridRow]:
    """One row per clinician of the department with a schedule that day; three queries whatever the size."""
    schedules = Schedule.objects.filter(department=department, valid_from__lte=date).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=date)
    )
    if service is not None:
        schedules = schedules.filter(services=service)
    if form:
        schedules = schedules.filter(is_remote=form in REMOTE_FORMS)
    start, end = _day_bounds(date)
    clinicians = list(
        User.objects.filter(schedules__in=schedules)
        .distinct()
        .only("uuid", "first_name", "last_name", "middle_name")
        .order_by("last_name", "first_name", "pk")
    )
    rows = {clinician.pk: GridRow(clinician) for clinician in clinicians}
    slots = Slot.objects.filter(schedule__in=schedules, starts_at__gte=start, starts_at__lt=end)
    for clinician_id, _date, cell in _cells(slots, clinician_ids=list(rows), start=start, end=end):
        rows[clinician_id].cells.append(cell)
    return [row for row in rows.values() if row.cells]


def free_slots(*, clinician=None, service, days: int = 14, limit: int = 300) -> QuerySet[Slot]:
    """Free, open, future slots offering the service (of one clinician when given), soonest first."""
    now = timezone.now()
    slots = Slot.objects.filter(
        schedule__services=service,
        schedule__is_remote=service.form in REMOTE_FORMS,
        is_blocked=False,
        starts_at__gt=now,
        starts_at__lt=now + datetime.timedelta(days=days),
    ).exclude(appointments__status__in=LIVE_STATUSES)
    if clinician is not None:
        slots = slots.filter(clinician=clinician)
    return slots.select_related("clinician", "schedule").order_by("starts_at")[:limit]


def clinicians_offering(service) -> list:
    today = timezone.localdate()
    return list(
        User.objects.filter(schedules__services=service, is_active=True)
        .filter(Q(schedules__valid_until__isnull=True) | Q(schedules__valid_until__gte=today))
        .distinct()
        .order_by("last_name", "first_name")
    )


def clinicians_scheduled_for(user) -> QuerySet:
    """Clinicians with a schedule in the organisations where the user works: whose week they may open."""
    organisations = {assignment.organisation_id for assignment in user.active_role_assignments()}
    return (
        User.objects.filter(schedules__department__organisation_id__in=organisations)
        .distinct()
        .order_by("last_name", "first_name")
    )


@dataclass
class WeekDay:
    date: datetime.date
    cells: list = field(default_factory=list)


def week_grid(*, clinician, date: datetime.date) -> list[WeekDay]:
    """The clinician's Monday-to-Sunday around the date: seven columns, two queries."""
    monday = date - datetime.timedelta(days=date.weekday())
    days = [WeekDay(monday + datetime.timedelta(days=n)) for n in range(7)]
    start, _ = _day_bounds(monday)
    end = start + datetime.timedelta(days=7)
    slots = Slot.objects.filter(clinician=clinician, starts_at__gte=start, starts_at__lt=end)
    for _clinician_id, date_, cell in _cells(slots, clinician_ids=[clinician.pk], start=start, end=end):
        days[(date_ - monday).days].cells.append(cell)
    return days


def schedules_managed_by(user) -> QuerySet[Schedule]:
    """The schedules of the organisations where the user may change schedules, with how many booked
    appointments each has left outside its hours (to be moved)."""
    organisations = administered_organisations(user, "scheduling.change_schedule")
    to_move = (
        _to_move()
        .filter(clinician=OuterRef("clinician"), slot__schedule=OuterRef("pk"))
        .order_by()
        .values("clinician")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Schedule.objects.filter(department__organisation__in=organisations)
        .select_related("clinician", "department", "site")
        .prefetch_related("rules", "services")
        .annotate(to_move=Coalesce(Subquery(to_move), 0))
        .order_by("department__code", "clinician__last_name", "clinician__first_name", "pk")
    )


def _to_move() -> QuerySet[Appointment]:
    return Appointment.objects.filter(status=AppointmentStatus.BOOKED, starts_at__gt=timezone.now(), slot__is_blocked=True)


def appointments_to_move(schedule: Schedule) -> QuerySet[Appointment]:
    """Booked appointments whose time the schedule no longer has (a sick day, changed hours)."""
    return _to_move().filter(clinician_id=schedule.clinician_id, slot__schedule=schedule).order_by("starts_at")


def next_appointment_summary(patient) -> str:
    """The cabinet overview's line: when the person's next appointment is."""
    starts_at = (
        patient.appointments.filter(status=AppointmentStatus.BOOKED, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return next_on(starts_at) if starts_at else ""
