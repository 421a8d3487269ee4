"""Writes of remote monitoring: plans, readings and alerts (DSM39-4.15, DSM39-5.1–5.5).

Each is one transaction with its audit entries, in-app notifications and outgoing messages inside: a
reading out of limits commits together with its alert, the clinicians' messages and the SMS/e-mail
outbox rows, or none of them does.
"""

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.access import can_access_patient
from audit.choices import AuditAction
from audit.services import record, record_many
from integrations.services import outbox_enqueue_many
from patients.cabinet import cabinet_patients
from patients.recipients import Recipient, clinician, patient_side
from scheduling.models import Notification

from .choices import (
    ALERT_LEVEL_ORDER,
    MONITORING_LEVEL,
    PLAUSIBLE_RANGES,
    UNIT_LABELS,
    UNITS,
    AlertLevel,
    AlertStatus,
    Indicator,
    PlanStatus,
    ReadingSource,
)
from .models import LIMIT_FIELDS, Alert, MonitoringPlan, PlanLimit, Reading
from .selectors import monitoring_clinicians_for

# A device's or phone's clock may run a little ahead; beyond this a reading "from the future" is an error.
CLOCK_SKEW = datetime.timedelta(minutes=5)
# Older readings are history to be imported another way, not something to alert on.
MAX_READING_AGE = datetime.timedelta(days=30)
STAFF_SOURCES = frozenset({ReadingSource.MANUAL_STAFF, ReadingSource.DEVICE, ReadingSource.HL7})


class MonitoringError(ValidationError):
    """A plan, reading or acknowledgement that cannot be accepted, with the reason in the user's language."""


# --- Who may -------------------------------------------------------------------------------------
def may_order(actor, patient) -> bool:
    return actor.has_perm("monitoring.order_monitoring") and can_access_patient(actor, patient, MONITORING_LEVEL)


def may_end(actor, plan: MonitoringPlan) -> bool:
    """The doctor who ordered the plan, or any doctor who may order monitoring for this patient: a plan
    outlives its doctor's leave or shift, and a colleague taking the patient over must be able to end it."""
    return plan.ordering_doctor_id == actor.pk or may_order(actor, plan.patient)


def may_record(actor, patient, source: str) -> bool:
    """The patient or their representative enter their own readings; staff (and the integration users
    that devices and HL7 feeds sign in as) need the permission and access to the patient."""
    if source == ReadingSource.MANUAL_PATIENT:
        return cabinet_patients(actor).filter(pk=patient.pk).exists()
    return actor.has_perm("monitoring.add_reading") and can_access_patient(actor, patient, MONITORING_LEVEL)


# --- Plans ---------------------------------------------------------------------------------------
def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise MonitoringError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise MonitoringError(_("“%(value)s” is not a number.") % {"value": value})
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _shown(value: Decimal) -> str:
    return f"{value.normalize():f}"  # 110.00 → 110, 36.60 → 36.6


def _plan_limits(plan: MonitoringPlan, limits: list[dict]) -> list[PlanLimit]:
    rows, problems, seen = [], [], set()
    for item in limits:
        indicator = item.get("indicator")
        if indicator not in Indicator.values:
            problems.append(_("Unknown indicator “%(indicator)s”.") % {"indicator": indicator})
            continue
        label = Indicator(indicator).label
        if indicator in seen:
            problems.append(_("%(indicator)s: limits are given twice.") % {"indicator": label})
            continue
        seen.add(indicator)
        try:
            limit = PlanLimit(plan=plan, indicator=indicator, **{name: _decimal(item.get(name)) for name in LIMIT_FIELDS})
        except MonitoringError as error:
            problems += [f"{label}: {message}" for message in error.messages]
            continue
        problems += [
            f"{label}, {PlanLimit._meta.get_field(name).verbose_name}: {message}" for name, message in limit.errors().items()
        ]
        rows.append(limit)
    if not rows and not problems:
        problems.append(_("Set limits for at least one indicator."))
    if problems:
        raise MonitoringError({"limits": problems})
    return rows


@transaction.atomic
def plan_start(
    *, actor, patient, monitoring_clinician=None, ends_on: datetime.date | None = None, limits: list[dict], note: str = ""
) -> MonitoringPlan:
    """The treating doctor (actor) orders remote monitoring of `patient` with limits per indicator —
    dicts of `indicator` and any of warning_low, warning_high, critical_low, critical_high — and names
    the clinician who carries it out. Both then see the patient's data while the plan is active
    (DSM39-4.15) and hear of every reading out of its limits."""
    if not may_order(actor, patient):
        raise PermissionDenied(_("You may not order monitoring for this patient."))
    today = timezone.localdate()
    errors: dict[str, list] = {}
    if ends_on is not None and ends_on < today:
        errors["ends_on"] = [_("The plan cannot end in the past.")]
    if monitoring_clinician is not None and not (
        monitoring_clinician.is_active
        and monitoring_clinician.has_perm("monitoring.view_monitoring")
        and monitoring_clinicians_for(actor).filter(pk=monitoring_clinician.pk).exists()
    ):
        errors["monitoring_clinician"] = [_("Name a doctor or nurse of your own organisation.")]
    if MonitoringPlan.objects.active().filter(patient=patient, ordering_doctor=actor).exists():
        errors.setdefault("__all__", []).append(
            _("You already monitor this patient; end that plan first to set new limits.")
        )
    plan = MonitoringPlan(
        patient=patient,
        ordering_doctor=actor,
        monitoring_clinician=monitoring_clinician,
        organisation_id=actor.organisation_id or patient.organisation_id,
        started_on=today,
        ends_on=ends_on,
        note=(note or "").strip(),
    )
    try:
        rows = _plan_limits(plan, limits)
    except MonitoringError as error:
        errors.update(error.message_dict)
    if errors:
        raise MonitoringError(errors)
    plan.save()
    PlanLimit.objects.bulk_create(rows)
    if monitoring_clinician is not None and monitoring_clinician.pk != actor.pk:
        _tell_clinicians(
            [monitoring_clinician],
            lambda: (
                _("Remote monitoring assigned"),
                _("%(doctor)s ordered remote monitoring of %(patient)s; you carry it out.")
                % {"doctor": actor.get_full_name(), "patient": patient.full_name},
            ),
        )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        patient=patient,
        obj=plan,
        fields={
            "monitoring_clinician": [None, monitoring_clinician.pk if monitoring_clinician else None],
            "ends_on": [None, ends_on.isoformat() if ends_on else None],
            "limits": [None, {row.indicator: [str(getattr(row, name)) for name in LIMIT_FIELDS] for row in rows}],
        },
    )
    return plan


@transaction.atomic
def plan_end(*, actor, plan: MonitoringPlan) -> MonitoringPlan:
    """End monitoring today: no more alerts from this plan, and the access it gave ends with it."""
    plan = (
        MonitoringPlan.objects.select_for_update(of=("self",))
        .select_related("patient", "ordering_doctor", "monitoring_clinician")
        .get(pk=plan.pk)
    )
    if not may_end(actor, plan):
        raise PermissionDenied(_("You may not end this monitoring plan."))
    if plan.status != PlanStatus.ACTIVE:
        raise MonitoringError(_("This monitoring plan has already ended."))
    today = timezone.localdate()
    old_ends_on = plan.ends_on
    plan.status, plan.ended_at, plan.ended_by = PlanStatus.ENDED, timezone.now(), actor
    plan.ends_on = min(plan.ends_on or today, today)
    plan.save(update_fields=["status", "ended_at", "ended_by", "ends_on", "updated_at"])
    _tell_clinicians(
        [person for person in plan.clinicians if person.pk != actor.pk],
        lambda: (
            _("Remote monitoring ended"),
            _("Remote monitoring of %(patient)s has ended.") % {"patient": plan.patient.full_name},
        ),
    )
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=plan.patient,
        obj=plan,
        fields={
            "status": [PlanStatus.ACTIVE, PlanStatus.ENDED],
            "ends_on": [old_ends_on.isoformat() if old_ends_on else None, plan.ends_on.isoformat()],
        },
    )
    return plan


def _tell_clinicians(people: list, message: Callable[[], tuple[str, str]]) -> None:
    """In-app notices for clinicians, each in their own language (`message()` gives the subject and body
    in the active one), written in one insert."""
    notices = []
    for person in people:
        with translation.override(clinician(person).language):
            subject, body = message()
        notices.append(Notification(recipient=person, subject=subject, body=body))
    Notification.objects.bulk_create(notices)


# --- Readings ------------------------------------------------------------------------------------
def _reading(*, patient, item: dict, source: str, actor, device_id: str, now: datetime.datetime) -> Reading:
    """A checked, unsaved reading; MonitoringError by field when the values cannot be true."""
    indicator, taken_at = item.get("indicator"), item.get("taken_at")
    if indicator not in Indicator.values:
        raise MonitoringError({"indicator": [_("Choose an indicator.")]})
    errors: dict[str, list] = {}
    try:
        value = _decimal(item.get("value"))
    except MonitoringError as error:
        errors["value"] = error.messages
        value = None
    if value is None and "value" not in errors:
        errors["value"] = [_("Enter the value.")]
    elif value is not None:
        low, high = PLAUSIBLE_RANGES[indicator]
        if not low <= value <= high:
            errors["value"] = [
                _("%(value)s %(unit)s cannot be a real reading of this indicator (possible: %(low)s–%(high)s); check it.")
                % {"value": _shown(value), "unit": UNIT_LABELS[indicator], "low": low, "high": high}
            ]
    if not isinstance(taken_at, datetime.datetime) or timezone.is_naive(taken_at):
        errors["taken_at"] = [_("Give the date and time of the reading.")]
    elif taken_at > now + CLOCK_SKEW:
        errors["taken_at"] = [_("The time of the reading is in the future.")]
    elif taken_at < now - MAX_READING_AGE:
        days = MAX_READING_AGE.days
        errors["taken_at"] = [
            ngettext(
                "Readings older than %(days)d day are not accepted.",
                "Readings older than %(days)d days are not accepted.",
                days,
            )
            % {"days": days}
        ]
    if errors:
        raise MonitoringError(errors)
    return Reading(
        patient=patient,
        indicator=indicator,
        value=value,
        unit=UNITS[indicator],
        taken_at=taken_at,
        source=source,
        entered_by=actor if getattr(actor, "is_authenticated", False) else None,
        device_id=(device_id or "")[:100],
    )


def _check_source(actor, patient, source: str) -> None:
    if source not in ReadingSource.values:
        raise MonitoringError(_("Unknown source of the reading."))
    if not may_record(actor, patient, source):
        raise PermissionDenied(_("You may not enter readings for this patient."))


@transaction.atomic
def reading_record(
    *, actor, patient, indicator: str, value, taken_at: datetime.datetime, source: str, device_id: str = ""
) -> Reading:
    """Store one reading and check it against the patient's active plans at once (DSM39-5.4): out of
    limits, it raises an alert that the clinicians hear of in the same transaction (DSM39-5.5). A value no
    body can give, or a time in the future, is refused as an entry error and nothing is stored."""
    _check_source(actor, patient, source)
    item = {"indicator": indicator, "value": value, "taken_at": taken_at}
    reading = _reading(patient=patient, item=item, source=source, actor=actor, device_id=device_id, now=timezone.now())
    _store(actor=actor, patient=patient, readings=[reading])
    return reading


@transaction.atomic
def readings_record_many(*, actor, patient, readings: list[dict], source: str, device_id: str = "") -> list[Reading]:
    """Store a batch of one patient's readings (dicts of indicator, value, taken_at) in a fixed number of
    statements, with the limits checked as for one. All or none: one implausible reading refuses the
    batch, with every problem numbered from 1. This is the entry point the device and HL7 intake will call
    with one upload (DSM39-5.2, DSM80-16); that intake itself is not built yet."""
    _check_source(actor, patient, source)
    now, rows, problems = timezone.now(), [], []
    for number, item in enumerate(readings, start=1):
        try:
            rows.append(_reading(patient=patient, item=item, source=source, actor=actor, device_id=device_id, now=now))
        except MonitoringError as error:
            problems += [f"{number}: {message}" for message in error.messages]
    if problems:
        raise MonitoringError({"readings": problems})
    if rows:
        _store(actor=actor, patient=patient, readings=rows)
    return rows


def _store(*, actor, patient, readings: list[Reading]) -> None:
    Reading.objects.bulk_create(readings)
    plans = list(
        MonitoringPlan.objects.active()
        .filter(patient=patient)
        .select_related("ordering_doctor", "monitoring_clinician")
        .prefetch_related("limits")
        .order_by("started_on", "pk")
    )
    raised = [found for reading in readings if (found := _evaluate(reading, plans)) is not None]
    alerts = Alert.objects.bulk_create([alert for alert, _breached in raised])
    if raised:
        _notify(patient, raised)
    record_many(
        actor=actor,
        action=AuditAction.CREATE,
        entries=[
            {
                "patient": patient,
                "obj": reading,
                "fields": {
                    "indicator": [None, reading.indicator],
                    "value": [None, str(reading.value)],
                    "taken_at": [None, reading.taken_at.isoformat()],
                    "source": [None, reading.source],
                },
            }
            for reading in readings
        ]
        + [
            {
                "patient": patient,
                "obj": alert,
                "fields": {"level": [None, alert.level], "reading": [None, alert.reading_id], "plan": [None, alert.plan_id]},
            }
            for alert in alerts
        ],
    )


def _evaluate(reading: Reading, plans: list[MonitoringPlan]) -> tuple[Alert, list[MonitoringPlan]] | None:
    """The alert a reading raises against the plans in force (none when within every limit), and the plans
    whose limits it breaks. A plan judges only readings taken since it started; when several plans are
    broken, the alert takes the most severe level and the first plan that gives it."""
    taken_on = timezone.localdate(reading.taken_at)
    level, plan, breached = None, None, []
    for candidate in plans:
        if taken_on < candidate.started_on:
            continue
        for limit in candidate.limits.all():
            if limit.indicator != reading.indicator:
                continue
            found = limit.level_for(reading.value)
            if found is None:
                continue
            breached.append(candidate)
            if level is None or ALERT_LEVEL_ORDER[found] > ALERT_LEVEL_ORDER[level]:
                level, plan = found, candidate
    if level is None:
        return None
    return Alert(reading=reading, plan=plan, patient=reading.patient, level=level), breached


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")  # digits read the same in every language


def _line(alert: Alert) -> str:
    reading = alert.reading
    values = {
        "indicator": reading.get_indicator_display(),
        "value": _shown(reading.value),
        "unit": UNIT_LABELS[reading.indicator],
        "when": _when(reading.taken_at),
        "level": alert.get_level_display(),
    }
    return _("%(indicator)s %(value)s %(unit)s at %(when)s (%(level)s)") % values


def _clinician_message(patient, alerts: list[Alert]) -> tuple[str, str]:
    critical = any(alert.level == AlertLevel.CRITICAL for alert in alerts)
    name = {"patient": patient.full_name}
    subject = (_("Critical reading: %(patient)s") if critical else _("Reading out of limits: %(patient)s")) % name
    heading = ngettext(
        "%(count)d reading of %(patient)s is out of the monitoring limits:",
        "%(count)d readings of %(patient)s are out of the monitoring limits:",
        len(alerts),
    ) % {"count": len(alerts), "patient": patient.full_name}
    return subject, "\n".join([heading, *(_line(alert) for alert in alerts)])


def _notify(patient, raised: list[tuple[Alert, list[MonitoringPlan]]]) -> None:
    """Every clinician of a broken plan hears in the app, once per batch, and by e-mail too when a reading
    is critical. A critical reading also reaches the patient and each legal representative in force: in
    the app where they have a cabinet account, by SMS where a phone is known (DSM39-5.5). Staff accounts
    keep no phone, so clinicians get no SMS. Each person in their own language; all the in-app notices in
    one insert, all the outgoing messages in another."""
    by_clinician: dict[int, tuple[Recipient, list[Alert]]] = {}
    for alert, plans in raised:
        for plan in plans:
            for person in plan.clinicians:
                alerts = by_clinician.setdefault(person.pk, (clinician(person), []))[1]
                if alert not in alerts:
                    alerts.append(alert)
    kind = {"type": "monitoring_alert"}
    notices, outgoing = [], []
    for recipient, alerts in by_clinician.values():
        with translation.override(recipient.language):
            subject, body = _clinician_message(patient, alerts)
        notices.append(Notification(recipient=recipient.user, subject=subject, body=body))
        if recipient.email and any(alert.level == AlertLevel.CRITICAL for alert in alerts):
            email = kind | {"to": recipient.email, "subject": subject, "body": body}
            key = f"monitoring-alert-{alerts[0].uuid}-{recipient.key}-email"
            outgoing.append({"channel": "email", "idempotency_key": key, "patient": patient, "payload": email})
    critical = [alert for alert, _plans in raised if alert.level == AlertLevel.CRITICAL]
    if critical:
        for number, recipient in enumerate(patient_side(patient)):  # the patient first, then representatives
            with translation.override(recipient.language):
                subject, text = _patient_side_message(patient, critical, own=number == 0)
            if recipient.user is not None:
                notices.append(Notification(recipient=recipient.user, subject=subject, body=text))
            if recipient.phone:
                sms = kind | {"phone": recipient.phone, "text": text}
                key = f"monitoring-alert-{critical[0].uuid}-{recipient.key}-sms"
                outgoing.append({"channel": "sms", "idempotency_key": key, "patient": patient, "payload": sms})
    Notification.objects.bulk_create(notices)
    if outgoing:
        outbox_enqueue_many(outgoing)


def _patient_side_message(patient, alerts: list[Alert], *, own: bool) -> tuple[str, str]:
    """What the patient (`own`) or a legal representative is told of critical readings."""
    readings = "; ".join(_line(alert) for alert in alerts)
    subject = _("Critical reading: %(patient)s") % {"patient": patient.full_name}
    if own:
        text = _(
            "%(readings)s: out of the limits your doctor set. Your doctor has been told. If you feel unwell, call 103."
        ) % {"readings": readings}
    else:
        text = _(
            "%(patient)s, %(readings)s: out of the limits the doctor set. The doctor has been told. "
            "If they feel unwell, call 103."
        ) % {"patient": patient.full_name, "readings": readings}
    return subject, text


# --- Alerts --------------------------------------------------------------------------------------
@transaction.atomic
def alert_acknowledge(*, actor, alert: Alert, note: str = "") -> Alert:
    """A clinician has seen the alert and taken it in hand; the note says what was done."""
    alert = Alert.objects.select_for_update(of=("self",)).select_related("patient").get(pk=alert.pk)
    if not (actor.has_perm("monitoring.view_monitoring") and can_access_patient(actor, alert.patient, MONITORING_LEVEL)):
        raise PermissionDenied(_("You may not acknowledge this alert."))
    if alert.status != AlertStatus.OPEN:
        raise MonitoringError(_("This alert has already been acknowledged."))
    alert.status, alert.acknowledged_by, alert.acknowledged_at = AlertStatus.ACKNOWLEDGED, actor, timezone.now()
    alert.note = (note or "").strip()
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "note", "updated_at"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=alert.patient,
        obj=alert,
        fields={"status": [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED], "note": ["", alert.note]},
    )
    return alert


def plans_end_expired() -> int:
    """Nightly: plans whose end date has passed are marked ended, in one statement, each change journaled.
    They stopped alerting and granting access on that date already; this makes their status say so."""
    today = timezone.localdate()
    with transaction.atomic():
        expired = list(
            MonitoringPlan.objects.select_for_update(of=("self",))
            .filter(status=PlanStatus.ACTIVE, ends_on__lt=today)
            .select_related("patient")
        )
        if not expired:
            return 0
        now = timezone.now()
        MonitoringPlan.objects.filter(pk__in=[plan.pk for plan in expired]).update(
            status=PlanStatus.ENDED, ended_at=now, updated_at=now
        )
        record_many(
            actor=None,
            action=AuditAction.UPDATE,
            entries=[
                {"patient": plan.patient, "obj": plan, "fields": {"status": [PlanStatus.ACTIVE, PlanStatus.ENDED]}}
                for plan in expired
            ],
            reason="end date passed",
        )
    return len(expired)
