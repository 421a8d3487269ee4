"""Writes of the scheduling app: slots from templates, booking, moving, cancelling, visits (DSM39-4.5, 4.6;
DSM80-8, 9). Each is one transaction with its audit entries, notifications and national push inside."""

import datetime
from dataclasses import dataclass
from functools import cache

import holidays
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_access_patient
from accounts.choices import AccessLevel
from accounts.journal import security_event
from accounts.permissions import administered_organisations
from audit.choices import AuditAction
from audit.services import record
from patients.cabinet import cabinet_patients

from . import national, notifications
from .choices import LIVE_STATUSES, WEEKDAYS, AppointmentEvent, AppointmentStatus, ExceptionKind
from .models import Appointment, AppointmentHistory, Encounter, Schedule, ScheduleException, ScheduleRule, Slot


class BookingError(ValidationError):
    """A booking that cannot be made, with the reason in the user's language."""


# --- Slots ----------------------------------------------------------------------------------------
@cache
def _public_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KZ", years=year)


def is_public_holiday(date: datetime.date) -> bool:
    return date in _public_holidays(date.year)


def _windows(date: datetime.date, rules, exceptions) -> list[tuple[datetime.time, datetime.time]]:
    """The working periods of one date: the weekday's hours minus the break, unless the date is a holiday
    or an exception says otherwise; extra hours are added on top."""
    day_exceptions = exceptions.get(date, [])
    if any(e.kind in (ExceptionKind.DAY_OFF, ExceptionKind.SICK) for e in day_exceptions):
        return []
    windows = []
    if not is_public_holiday(date):
        for rule in rules.get(date.weekday(), []):
            if rule.break_start and rule.break_end:
                windows += [(rule.start, rule.break_start), (rule.break_end, rule.end)]
            else:
                windows.append((rule.start, rule.end))
    windows += [(e.start, e.end) for e in day_exceptions if e.kind == ExceptionKind.EXTRA]
    return windows


def planned_slots(schedule: Schedule, start: datetime.date, end: datetime.date) -> dict:
    """{starts_at: ends_at} of what the schedule's template, holidays and exceptions give over [start, end],
    in the clinic's time zone. Reads the schedule's rules and exceptions through .all(), so prefetching
    them (as slots_extend does) makes this free of queries."""
    rules, exceptions = {}, {}
    for rule in schedule.rules.all():
        rules.setdefault(rule.weekday, []).append(rule)
    for exception in schedule.exceptions.all():
        if start <= exception.date <= end:
            exceptions.setdefault(exception.date, []).append(exception)
    zone = timezone.get_default_timezone()
    length = datetime.timedelta(minutes=schedule.slot_minutes)
    planned = {}
    date = max(start, schedule.valid_from)
    last = min(end, schedule.valid_until) if schedule.valid_until else end
    while date <= last:
        for window_start, window_end in _windows(date, rules, exceptions):
            moment = datetime.datetime.combine(date, window_start, zone)
            stop = datetime.datetime.combine(date, window_end, zone)
            while moment + length <= stop:
                planned[moment] = moment + length
                moment += length
        date += datetime.timedelta(days=1)
    return planned


def _slot(schedule: Schedule, starts_at: datetime.datetime, ends_at: datetime.datetime) -> Slot:
    return Slot(schedule=schedule, clinician_id=schedule.clinician_id, starts_at=starts_at, ends_at=ends_at)


def horizon() -> tuple[datetime.date, datetime.date]:
    """The days that have bookable slots: today and the SCHEDULE_HORIZON_DAYS after it."""
    today = timezone.localdate()
    return today, today + datetime.timedelta(days=settings.SCHEDULE_HORIZON_DAYS)


@transaction.atomic
def slots_extend() -> int:
    """Every night: give every valid schedule its slots up to the horizon, in a few statements whatever the
    number of schedules, and push what changed to the national schedule service. Returns the slots made."""
    start, end = horizon()
    schedules = list(
        Schedule.objects.filter(valid_from__lte=end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        .select_related("clinician", "department__organisation")
        .prefetch_related("rules", Prefetch("exceptions", ScheduleException.objects.filter(date__range=(start, end))))
    )
    window = _day_start(start), _day_start(end + datetime.timedelta(days=1))
    taken = set(
        Slot.objects.filter(clinician__in={s.clinician_id for s in schedules}, starts_at__range=window).values_list(
            "clinician_id", "starts_at"
        )
    )
    slots, changes = [], []
    for schedule in schedules:
        new = [
            _slot(schedule, starts_at, ends_at)
            for starts_at, ends_at in planned_slots(schedule, start, end).items()
            if (schedule.clinician_id, starts_at) not in taken
        ]
        taken.update((schedule.clinician_id, slot.starts_at) for slot in new)  # two schedules, one clinician
        if new:
            slots += new
            detail = {"from": start.isoformat(), "to": end.isoformat(), "slots": len(new)}
            changes.append((schedule, "slots_generated", detail))
    Slot.objects.bulk_create(slots, ignore_conflicts=True, batch_size=5000)
    national.schedules_changed(changes)
    return len(slots)


def _day_start(date: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time.min, timezone.get_default_timezone())


def _slots_rebuild(schedule: Schedule, start: datetime.date, end: datetime.date) -> dict:
    """Make the future slots of [start, end] match the template: add the missing ones, remove free ones the
    template no longer has (closing those that keep a cancelled booking's history), reopen closed ones it
    has again. A booked slot the template dropped is closed and kept: its patient must be moved by a person.
    Returns counts for the national push."""
    now = timezone.now()
    planned = {at: until for at, until in planned_slots(schedule, start, end).items() if at > now}
    live = Appointment.objects.filter(slot=OuterRef("pk"), status__in=LIVE_STATUSES)
    existing = list(
        Slot.objects.filter(
            schedule=schedule,
            starts_at__gte=max(_day_start(start), now),
            starts_at__lt=_day_start(end + datetime.timedelta(days=1)),
        ).annotate(live=Exists(live), referenced=Exists(Appointment.objects.filter(slot=OuterRef("pk"))))
    )
    kept = [slot for slot in existing if planned.get(slot.starts_at) == slot.ends_at or slot.live]
    kept_ids = {slot.pk for slot in kept}
    dropped = [slot for slot in existing if slot.pk not in kept_ids]
    to_close = [slot.pk for slot in dropped if slot.referenced] + [
        slot.pk for slot in kept if slot.live and planned.get(slot.starts_at) != slot.ends_at
    ]
    to_reopen = [slot.pk for slot in kept if slot.is_blocked and planned.get(slot.starts_at) == slot.ends_at]
    Slot.objects.filter(pk__in=[slot.pk for slot in dropped if not slot.referenced]).delete()
    Slot.objects.filter(pk__in=to_close).update(is_blocked=True, updated_at=now)
    Slot.objects.filter(pk__in=to_reopen).update(is_blocked=False, updated_at=now)
    have = {slot.starts_at for slot in kept}
    added = Slot.objects.bulk_create(
        [_slot(schedule, at, until) for at, until in planned.items() if at not in have], ignore_conflicts=True
    )
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "added": len(added),
        "removed": len(dropped),
        "reopened": len(to_reopen),
    }


def _require_schedule_manager(actor, department) -> None:
    organisations = administered_organisations(actor, "scheduling.change_schedule")
    if department.organisation_id not in {organisation.pk for organisation in organisations}:
        raise PermissionDenied(_("Your roles do not allow changing schedules here."))


@dataclass(frozen=True)
class WeekdayHours:
    """A weekday's working hours in a schedule template, with an optional break."""

    weekday: int
    start: datetime.time
    end: datetime.time
    break_start: datetime.time | None = None
    break_end: datetime.time | None = None


def _check_template(schedule: Schedule, hours: list[WeekdayHours]) -> None:
    """Each weekday's periods hold at least one slot, and the clinician is not due in two places at once."""
    day = datetime.date(2024, 1, 1)  # a Monday: only the lengths of periods matter here
    length = datetime.timedelta(minutes=schedule.slot_minutes)
    for item in hours:
        periods = (
            [(item.start, item.break_start), (item.break_end, item.end)] if item.break_start else [(item.start, item.end)]
        )
        if any(datetime.datetime.combine(day, b) - datetime.datetime.combine(day, a) < length for a, b in periods):
            raise ValidationError(
                _("%(day)s: the hours are shorter than one slot of %(minutes)d minutes.")
                % {"day": WEEKDAYS[item.weekday], "minutes": schedule.slot_minutes}
            )
    others = ScheduleRule.objects.filter(schedule__clinician_id=schedule.clinician_id).exclude(schedule_id=schedule.pk)
    others = others.filter(Q(schedule__valid_until__isnull=True) | Q(schedule__valid_until__gte=schedule.valid_from))
    if schedule.valid_until:
        others = others.filter(schedule__valid_from__lte=schedule.valid_until)
    others = list(others.filter(weekday__in=[item.weekday for item in hours]).select_related("schedule"))
    for item in hours:
        clash = next((o for o in others if o.weekday == item.weekday and o.start < item.end and o.end > item.start), None)
        if clash is not None:
            raise ValidationError(
                _("%(day)s: this clinician already works %(start)s–%(end)s in another schedule (%(place)s).")
                % {
                    "day": WEEKDAYS[item.weekday],
                    "start": f"{clash.start:%H:%M}",
                    "end": f"{clash.end:%H:%M}",
                    "place": clash.schedule.room or _("remote"),
                }
            )


@transaction.atomic
def schedule_save(*, actor, schedule: Schedule, services, hours: list[WeekdayHours]) -> dict:
    """Create or change a clinician's weekly template and bring its future slots in line with it (DSM39-4.5);
    the change is pushed to the national schedule service (DSM80-8)."""
    _require_schedule_manager(actor, schedule.department)
    if schedule.pk and Schedule.objects.filter(pk=schedule.pk).exclude(clinician_id=schedule.clinician_id).exists():
        raise ValidationError(
            {"clinician": _("A schedule keeps its clinician: end this one and create a schedule for the other.")}
        )
    if schedule.site_id and schedule.site.department_id != schedule.department_id:
        raise ValidationError({"site": _("This site belongs to another department.")})
    if not hours:
        raise ValidationError(_("Give the working hours of at least one weekday."))
    _check_template(schedule, hours)
    created = schedule.pk is None
    schedule.save()
    schedule.services.set(services)
    schedule.rules.all().delete()
    ScheduleRule.objects.bulk_create(
        ScheduleRule(
            schedule=schedule, weekday=h.weekday, start=h.start, end=h.end, break_start=h.break_start, break_end=h.break_end
        )
        for h in hours
    )
    start, end = horizon()
    counts = _slots_rebuild(schedule, start, end)
    national.schedule_changed(schedule=schedule, change="created" if created else "template_changed", detail=counts)
    return counts


@transaction.atomic
def schedule_exception_add(
    *, actor, schedule: Schedule, date: datetime.date, kind: str, start=None, end=None, reason: str = ""
) -> ScheduleException:
    """A day off, a sick day or extra hours on one date; that date's free slots follow at once."""
    _require_schedule_manager(actor, schedule.department)
    if date < timezone.localdate():
        raise ValidationError({"date": _("This date has passed.")})
    if kind == ExceptionKind.EXTRA:
        if start is None or end is None or end <= start:
            raise ValidationError({"end": _("Give extra hours that end after they start.")})
    else:
        start = end = None
    exception = ScheduleException.objects.create(
        schedule=schedule, date=date, kind=kind, start=start, end=end, reason=reason.strip()
    )
    counts = _slots_rebuild(schedule, date, date)
    national.schedule_changed(schedule=schedule, change=f"exception_{kind}", detail={"date": date.isoformat(), **counts})
    return exception


@transaction.atomic
def schedule_exception_remove(*, actor, exception: ScheduleException) -> None:
    schedule = exception.schedule
    _require_schedule_manager(actor, schedule.department)
    date = exception.date
    exception.delete()
    if date >= timezone.localdate():
        counts = _slots_rebuild(schedule, date, date)
        national.schedule_changed(schedule=schedule, change="exception_removed", detail={"date": date.isoformat(), **counts})


# --- Booking --------------------------------------------------------------------------------------
def _may_book_for(actor, patient) -> bool:
    """Staff allowed to book who may see the patient, or the patient themself or their representative."""
    if actor.has_perm("scheduling.add_appointment") and can_access_patient(actor, patient, AccessLevel.DEMOGRAPHICS):
        return True
    return cabinet_patients(actor).filter(pk=patient.pk).exists()


def _check_bookable(*, slot: Slot, service, patient) -> None:
    if not service.is_active:
        raise BookingError(_("This service is no longer offered."))
    if slot.is_blocked:
        raise BookingError(_("This time is closed for booking."))
    if slot.starts_at <= timezone.now():
        raise BookingError(_("This time has already passed; choose a later one."))
    if not slot.schedule.services.filter(pk=service.pk).exists():
        raise BookingError(_("This clinician does not provide this service at this time."))
    remote = service.form != "in_person"
    if remote != slot.schedule.is_remote:
        raise BookingError(
            _("This time is for remote consultations only.")
            if slot.schedule.is_remote
            else _("This time is for visits in person only.")
        )
    if not patient.is_active:
        raise BookingError(_("This patient's record was merged into another one; book on that record."))
    # A time already taken, or a patient already booked at that time, is refused by the exclusion
    # constraints when the appointment is saved (_save_live): one check, true under any concurrency.


REMINDERS = (("reminded_24h_at", datetime.timedelta(hours=24)), ("reminded_2h_at", datetime.timedelta(hours=2)))


def _skip_passed_reminders(appointment: Appointment) -> None:
    """A booking made 3 hours ahead needs no "tomorrow" reminder: the booking message said it all."""
    now = timezone.now()
    for field, ahead in REMINDERS:
        setattr(appointment, field, now if appointment.starts_at - now <= ahead else None)


def _save_live(appointment: Appointment) -> None:
    """Save, turning the database's no-overlap guarantees into messages. No savepoint: a refusal rolls the
    whole booking back."""
    try:
        with transaction.atomic(savepoint=False):
            appointment.save()
    except IntegrityError as error:
        if "appointment_no_patient_overlap" in str(error):
            raise BookingError(_("The patient already has an appointment at this time.")) from None
        if "appointment_no_clinician_overlap" in str(error):
            raise BookingError(_("This time has just been taken; choose another one."), code="slot_taken") from None
        raise


def _locked_slot(slot: Slot) -> Slot:
    """Lock the slot's row against a concurrent schedule change and re-read whether it is still open.
    (Two bookings of one time are kept apart by the exclusion constraints, not by this lock.)"""
    slot.is_blocked = Slot.objects.select_for_update().values_list("is_blocked", flat=True).get(pk=slot.pk)
    return slot


@transaction.atomic
def appointment_book(*, actor, patient, slot: Slot, service) -> Appointment:
    if not _may_book_for(actor, patient):
        raise PermissionDenied(_("You may not book for this patient."))
    slot = _locked_slot(slot)
    _check_bookable(slot=slot, service=service, patient=patient)
    appointment = Appointment(
        patient=patient,
        clinician=slot.clinician,  # loaded with the slot where the caller could; the notifications name them
        service=service,
        slot=slot,
        site=slot.schedule.site,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        form=service.form,
        patient_iin=patient.iin,
        patient_name=patient.full_name,
        service_code=service.code,
        service_name=service.name_ru,
        booked_by=actor,
    )
    _skip_passed_reminders(appointment)
    _save_live(appointment)
    history = AppointmentHistory.objects.create(
        appointment=appointment, event=AppointmentEvent.BOOKED, actor=actor, to_starts_at=appointment.starts_at
    )
    notifications.appointment_changed(history)
    national.slot_availability_changed(slot=slot, available=False)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        patient=patient,
        obj=appointment,
        fields={
            "service": [None, service.code],
            "starts_at": [None, appointment.starts_at.isoformat()],
            "clinician": [None, appointment.clinician_id],
        },
    )
    return appointment


def _may_change(actor, appointment: Appointment) -> bool:
    return (
        actor.pk == appointment.clinician_id
        or _may_book_for(actor, appointment.patient)
        and (
            actor.has_perm("scheduling.change_appointment")
            or cabinet_patients(actor).filter(pk=appointment.patient_id).exists()
        )
    )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise BookingError({"reason": _("Say why.")})
    return reason


@transaction.atomic
def appointment_move(*, actor, appointment: Appointment, slot: Slot, reason: str) -> Appointment:
    if not _may_change(actor, appointment):
        raise PermissionDenied(_("You may not change this appointment."))
    reason = _require_reason(reason)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingError(_("Only a booked appointment can be moved."))
    old_slot, old_start = appointment.slot, appointment.starts_at
    slot = _locked_slot(slot)
    _check_bookable(slot=slot, service=appointment.service, patient=appointment.patient)
    appointment.slot, appointment.clinician_id = slot, slot.clinician_id
    appointment.starts_at, appointment.ends_at = slot.starts_at, slot.ends_at
    _skip_passed_reminders(appointment)
    _save_live(appointment)
    history = AppointmentHistory.objects.create(
        appointment=appointment,
        event=AppointmentEvent.MOVED,
        actor=actor,
        from_starts_at=old_start,
        to_starts_at=slot.starts_at,
        reason=reason,
    )
    notifications.appointment_changed(history)
    national.slot_availability_changed(slot=old_slot, available=True)
    national.slot_availability_changed(slot=slot, available=False)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=appointment.patient,
        obj=appointment,
        reason=reason,
        fields={"starts_at": [old_start.isoformat(), slot.starts_at.isoformat()]},
    )
    return appointment


@transaction.atomic
def appointment_cancel(*, actor, appointment: Appointment, reason: str) -> Appointment:
    if not _may_change(actor, appointment):
        raise PermissionDenied(_("You may not change this appointment."))
    reason = _require_reason(reason)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingError(_("Only a booked appointment can be cancelled."))
    appointment.status, appointment.cancel_reason = AppointmentStatus.CANCELLED, reason[:255]
    appointment.save(update_fields=["status", "cancel_reason", "updated_at"])
    history = AppointmentHistory.objects.create(
        appointment=appointment,
        event=AppointmentEvent.CANCELLED,
        actor=actor,
        from_starts_at=appointment.starts_at,
        reason=reason,
    )
    notifications.appointment_changed(history)
    national.slot_availability_changed(slot=appointment.slot, available=True)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=appointment.patient,
        obj=appointment,
        reason=reason,
        fields={"status": [AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED]},
    )
    return appointment


# --- Reminders ------------------------------------------------------------------------------------
def reminders_send(*, batch: int = 500) -> int:
    """Queue the 24-hour and 2-hour reminders that are due. Rows are claimed with SKIP LOCKED and marked in
    the same transaction as their outbox messages, so two workers never remind twice."""
    now, sent = timezone.now(), 0
    for index, (field, ahead) in enumerate(REMINDERS):
        nearer = REMINDERS[index + 1][1] if index + 1 < len(REMINDERS) else datetime.timedelta(0)
        with transaction.atomic():
            due = list(
                Appointment.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    status=AppointmentStatus.BOOKED,
                    starts_at__gt=now + nearer,
                    starts_at__lte=now + ahead,
                    **{f"{field}__isnull": True},
                )
                .select_related("patient__user", "clinician", "service")
                .prefetch_related("patient__legal_representatives__user")
                .order_by("starts_at")[:batch]
            )
            Appointment.objects.filter(pk__in=[a.pk for a in due]).update(**{field: now})
            reminded = AppointmentHistory.objects.bulk_create(
                AppointmentHistory(appointment=a, event=AppointmentEvent.REMINDED, to_starts_at=a.starts_at, notified_at=now)
                for a in due
            )
            for history in reminded:  # this job runs in a worker already: tell everyone here
                notifications.notify_now(history)
            sent += len(due)
    return sent


# --- Visits (DSM80-9) -----------------------------------------------------------------------------
@transaction.atomic
def encounter_open(*, actor, appointment: Appointment | None = None, patient=None, emergency_reason: str = "") -> Encounter:
    """Open a visit from an appointment; without one only as an emergency, with a reason, journaled and
    flagged to the security officer."""
    if not actor.has_perm("scheduling.open_visit"):
        raise PermissionDenied(_("Your roles do not allow opening a visit."))
    if appointment is not None:
        appointment = Appointment.objects.select_for_update().select_related("patient").get(pk=appointment.pk)
        if appointment.status != AppointmentStatus.BOOKED:
            raise BookingError(_("This appointment is not open for a visit."))
        if appointment.clinician_id != actor.pk:
            raise PermissionDenied(_("Only the clinician of the appointment opens its visit."))
        encounter = Encounter.objects.create(patient=appointment.patient, clinician=actor, appointment=appointment)
        appointment.status = AppointmentStatus.COMPLETED
        appointment.save(update_fields=["status", "updated_at"])
        record(
            actor=actor,
            action=AuditAction.CREATE,
            patient=appointment.patient,
            obj=encounter,
            fields={"appointment": [None, appointment.pk]},
        )
        return encounter
    reason = emergency_reason.strip()
    if len(reason) < 10:
        raise BookingError(
            {
                "emergency_reason": _(
                    "A visit without an appointment is allowed only as an emergency: describe it in at least 10 characters."
                )
            }
        )
    if patient is None or not can_access_patient(actor, patient, AccessLevel.DEMOGRAPHICS):
        raise PermissionDenied(_("You may not open a visit for this patient."))
    encounter = Encounter.objects.create(patient=patient, clinician=actor, is_emergency=True, emergency_reason=reason)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        patient=patient,
        obj=encounter,
        reason=reason,
        fields={"emergency": [None, True]},
    )
    security_event(event="emergency_visit", user=actor, details={"patient": patient.pk, "reason": reason}, flagged=True)
    return encounter


def grid_viewed(*, actor, cells, part: str, **shown) -> None:
    """A day or week grid shows booked patients' names: one entry per view that names every patient shown,
    rather than a row per patient each time a registrar refreshes a department's day."""
    patient_ids = sorted({cell.patient_id for cell in cells if cell.patient_id})
    if patient_ids:
        record(actor=actor, action=AuditAction.VIEW, fields={"part": part, **shown, "patients": patient_ids})
