"""Remote monitoring (DSM39-4.15, DSM39-5.1–5.5): plans with limits, readings, alerts.

A treating doctor orders a monitoring plan (план дистанционного наблюдения) for a patient, names the
clinician who carries it out and sets limits per indicator. Readings (показатели) arrive from the
patient, staff, devices or HL7; each is checked against the active plans' limits as it arrives, and
one that is out of them raises an alert (оповещение о критическом отклонении).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from mis.models import BaseModel
from patients.models import Patient

from .choices import PLAUSIBLE_RANGES, UNIT_LABELS, AlertLevel, AlertStatus, Indicator, PlanStatus, ReadingSource

LIMIT_FIELDS = ("warning_low", "warning_high", "critical_low", "critical_high")


class MonitoringPlanQuerySet(models.QuerySet):
    def active(self):
        """Plans in force today (the clinic's zone): started, not ended, and not past their end date. The one
        rule of "in force": alerts, the access a plan gives (apps.py) and the pages all start from it."""
        today = timezone.localdate()
        return self.filter(status=PlanStatus.ACTIVE, started_on__lte=today).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)
        )


class MonitoringPlan(BaseModel):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="monitoring_plans")
    ordering_doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="monitoring_plans_ordered",
        verbose_name=_("ordering doctor"),
    )
    monitoring_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitoring_plans_carried",
        verbose_name=_("monitoring clinician"),
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="monitoring_plans")
    started_on = models.DateField(_("started on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    note = models.TextField(_("note"), blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = MonitoringPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring plan")
        verbose_name_plural = _("monitoring plans")
        permissions = [
            ("view_monitoring", _("Can view remote monitoring")),
            ("order_monitoring", _("Can order remote monitoring")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("started_on")), name="monitoring_plan_period"
            ),
            models.CheckConstraint(
                condition=Q(status=PlanStatus.ACTIVE) | Q(ended_at__isnull=False), name="monitoring_plan_ended_at"
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "status"], name="monitoring_plan_patient"),
            models.Index(fields=["ordering_doctor", "status"], name="monitoring_plan_doctor"),
            models.Index(fields=["monitoring_clinician", "status"], name="monitoring_plan_clinician"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} ({self.started_on:%d.%m.%Y})"

    @property
    def clinicians(self) -> list:
        """The ordering doctor and the monitoring clinician, each once."""
        people = [self.ordering_doctor]
        if self.monitoring_clinician_id and self.monitoring_clinician_id != self.ordering_doctor_id:
            people.append(self.monitoring_clinician)
        return people


def _ordered(low: str, high: str) -> Q:
    return Q(**{f"{low}__isnull": True}) | Q(**{f"{high}__isnull": True}) | Q(**{f"{low}__lte": F(high)})


class PlanLimit(BaseModel):
    """A plan's limits for one indicator. Each limit is the last acceptable value: a reading equal to it is
    within it, one beyond it breaks it. Past a warning limit the alert is a warning, past a critical one
    it is critical. Any limit may be left out; the critical band lies outside the warning band."""

    plan = models.ForeignKey(MonitoringPlan, on_delete=models.CASCADE, related_name="limits")
    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices)
    warning_low = models.DecimalField(_("warning below"), max_digits=7, decimal_places=2, null=True, blank=True)
    warning_high = models.DecimalField(_("warning above"), max_digits=7, decimal_places=2, null=True, blank=True)
    critical_low = models.DecimalField(_("critical below"), max_digits=7, decimal_places=2, null=True, blank=True)
    critical_high = models.DecimalField(_("critical above"), max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("limit")
        verbose_name_plural = _("limits")
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator"], name="monitoring_limit_unique"),
            models.CheckConstraint(condition=_ordered("warning_low", "warning_high"), name="monitoring_limit_warning"),
            models.CheckConstraint(condition=_ordered("critical_low", "critical_high"), name="monitoring_limit_critical"),
            models.CheckConstraint(condition=_ordered("critical_low", "warning_low"), name="monitoring_limit_low"),
            models.CheckConstraint(condition=_ordered("warning_high", "critical_high"), name="monitoring_limit_high"),
            models.CheckConstraint(
                condition=~Q(warning_low=None, warning_high=None, critical_low=None, critical_high=None),
                name="monitoring_limit_some",
            ),
        ]

    def __str__(self) -> str:
        return Indicator(self.indicator).label

    def level_for(self, value: Decimal) -> str | None:
        """The alert level a value raises against this limit, or None when it is within it."""
        if (self.critical_low is not None and value < self.critical_low) or (
            self.critical_high is not None and value > self.critical_high
        ):
            return AlertLevel.CRITICAL
        if (self.warning_low is not None and value < self.warning_low) or (
            self.warning_high is not None and value > self.warning_high
        ):
            return AlertLevel.WARNING
        return None

    def errors(self) -> dict[str, str]:
        """What is wrong with these limits, by field, in the user's language (empty when nothing is)."""
        errors: dict[str, str] = {}
        values = {name: getattr(self, name) for name in LIMIT_FIELDS}
        if all(value is None for value in values.values()):
            errors["warning_low"] = gettext("Give at least one limit.")
            return errors
        low, high = PLAUSIBLE_RANGES[self.indicator]
        for name, value in values.items():
            if value is not None and not low <= value <= high:
                errors[name] = gettext("Out of the possible range %(low)s–%(high)s %(unit)s.") % {
                    "low": low,
                    "high": high,
                    "unit": UNIT_LABELS[self.indicator],
                }
        for lower, higher in (
            ("warning_low", "warning_high"),
            ("critical_low", "critical_high"),
            ("critical_low", "warning_low"),
            ("warning_high", "critical_high"),
        ):
            if lower in errors or higher in errors or values[lower] is None or values[higher] is None:
                continue
            if values[lower] > values[higher]:
                errors.setdefault(
                    higher,
                    gettext("Must not be lower than the “%(other)s” limit.")
                    % {"other": self._meta.get_field(lower).verbose_name},
                )
        return errors

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS[self.indicator]


class Reading(BaseModel):
    """One measurement of one indicator of a patient, as taken (taken_at) and as received (created_at)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="readings")
    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices)
    value = models.DecimalField(_("value"), max_digits=7, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=16)  # UCUM, from the indicator
    taken_at = models.DateTimeField(_("taken at"))
    source = models.CharField(_("source"), max_length=16, choices=ReadingSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    device_id = models.CharField(_("device"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        indexes = [
            models.Index(fields=["patient", "indicator", "-taken_at"], name="monitoring_reading_series"),
            models.Index(fields=["patient", "-taken_at"], name="monitoring_reading_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.value} {self.unit_label}"

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS[self.indicator]


class Alert(BaseModel):
    """A reading out of a plan's limits, open until a clinician acknowledges it."""

    reading = models.OneToOneField(Reading, on_delete=models.PROTECT, related_name="alert")
    plan = models.ForeignKey(MonitoringPlan, on_delete=models.PROTECT, related_name="alerts")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="monitoring_alerts")
    level = models.CharField(_("level"), max_length=16, choices=AlertLevel.choices)
    status = models.CharField(_("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=AlertStatus.OPEN) | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="monitoring_alert_acknowledged",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="monitoring_alert_patient"),
            models.Index(
                fields=["patient", "-created_at"], condition=Q(status=AlertStatus.OPEN), name="monitoring_alert_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.reading}"
