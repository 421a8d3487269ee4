"""Reads of the scheduling app, always from what the user may see."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.access import patients_visible_to
from accounts.models import User
from accounts.permissions import administered_organisations
from patients.cabinet import cabinet_patients

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


@dataclass
class GridRow:
    clinician: object
    slots: list = field(default_factory=list)  # [(slot, appointment or None)]


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
    slots = list(
        Slot.objects.filter(schedule__in=schedules, starts_at__gte=start, starts_at__lt=end)
        .select_related("clinician")
        .order_by("clinician__last_name", "clinician__first_name", "clinician_id", "starts_at")
    )
    booked = _booked_by_slot(slots)
    rows: dict[int, GridRow] = {}
    for slot in slots:
        rows.setdefault(slot.clinician_id, GridRow(slot.clinician)).slots.append((slot, booked.get(slot.pk)))
    return list(rows.values())


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


def _booked_by_slot(slots: list[Slot]) -> dict:
    return {
        appointment.slot_id: appointment
        for appointment in Appointment.objects.filter(slot__in=[slot.pk for slot in slots], status__in=LIVE_STATUSES).only(
            "uuid", "slot_id", "patient_name", "service_code", "status", "form"
        )
    }


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
    slots: list = field(default_factory=list)  # [(slot, appointment or None)]


def week_grid(*, clinician, date: datetime.date) -> list[WeekDay]:
    """The clinician's Monday-to-Sunday around the date: seven columns, two queries."""
    monday = date - datetime.timedelta(days=date.weekday())
    days = [WeekDay(monday + datetime.timedelta(days=n)) for n in range(7)]
    start, _ = _day_bounds(monday)
    slots = list(
        Slot.objects.filter(
            clinician=clinician, starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=7)
        ).order_by("starts_at")
    )
    booked = _booked_by_slot(slots)
    for slot in slots:
        days[(timezone.localtime(slot.starts_at).date() - monday).days].slots.append((slot, booked.get(slot.pk)))
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
    return Appointment.objects.filter(
        status=AppointmentStatus.BOOKED, starts_at__gt=timezone.now(), slot__is_blocked=True
    )


def appointments_to_move(schedule: Schedule) -> QuerySet[Appointment]:
    """Booked appointments whose time the schedule no longer has (a sick day, changed hours)."""
    return _to_move().filter(clinician_id=schedule.clinician_id, slot__schedule=schedule).order_by("starts_at")
