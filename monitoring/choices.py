"""What remote monitoring measures, in which unit, and which values a body can plausibly give."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.choices import AccessLevel

# How much of a patient's record monitoring data is: a nurse's default level opens it.
MONITORING_LEVEL = AccessLevel.CLINICAL_SUMMARY


class Indicator(models.TextChoices):
    """A health indicator (показатель) that a plan watches and a reading measures."""

    HEART_RATE = "heart_rate", _("Heart rate")
    SYSTOLIC_BP = "systolic_bp", _("Systolic blood pressure")
    DIASTOLIC_BP = "diastolic_bp", _("Diastolic blood pressure")
    BLOOD_GLUCOSE = "blood_glucose", _("Blood glucose")
    SPO2 = "spo2", _("Oxygen saturation (SpO2)")
    BODY_TEMPERATURE = "body_temperature", _("Body temperature")
    WEIGHT = "weight", _("Body weight")
    RESPIRATORY_RATE = "respiratory_rate", _("Respiratory rate")


# The unit of each indicator as stored on a reading: UCUM codes, which HL7 and devices speak.
UNITS: dict[str, str] = {
    Indicator.HEART_RATE: "/min",
    Indicator.SYSTOLIC_BP: "mm[Hg]",
    Indicator.DIASTOLIC_BP: "mm[Hg]",
    Indicator.BLOOD_GLUCOSE: "mmol/L",
    Indicator.SPO2: "%",
    Indicator.BODY_TEMPERATURE: "Cel",
    Indicator.WEIGHT: "kg",
    Indicator.RESPIRATORY_RATE: "/min",
}

# How a person reads each unit.
UNIT_LABELS: dict[str, str] = {
    Indicator.HEART_RATE: pgettext_lazy("unit", "bpm"),
    Indicator.SYSTOLIC_BP: pgettext_lazy("unit", "mmHg"),
    Indicator.DIASTOLIC_BP: pgettext_lazy("unit", "mmHg"),
    Indicator.BLOOD_GLUCOSE: pgettext_lazy("unit", "mmol/L"),
    Indicator.SPO2: "%",
    Indicator.BODY_TEMPERATURE: "°C",
    Indicator.WEIGHT: pgettext_lazy("unit", "kg"),
    Indicator.RESPIRATORY_RATE: pgettext_lazy("unit", "/min"),
}

# Values outside these bounds (inclusive) are entry or device errors, not clinical findings: they are
# refused, never stored or alerted on. Wide on purpose — a newborn's weight, a hypoglycaemic coma.
PLAUSIBLE_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    Indicator.HEART_RATE: (Decimal(20), Decimal(300)),
    Indicator.SYSTOLIC_BP: (Decimal(40), Decimal(300)),
    Indicator.DIASTOLIC_BP: (Decimal(20), Decimal(200)),
    Indicator.BLOOD_GLUCOSE: (Decimal("0.5"), Decimal(50)),
    Indicator.SPO2: (Decimal(50), Decimal(100)),
    Indicator.BODY_TEMPERATURE: (Decimal(25), Decimal(45)),
    Indicator.WEIGHT: (Decimal("0.3"), Decimal(500)),
    Indicator.RESPIRATORY_RATE: (Decimal(2), Decimal(100)),
}


class PlanStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("monitoring plan", "Active")
    ENDED = "ended", pgettext_lazy("monitoring plan", "Ended")


class ReadingSource(models.TextChoices):
    MANUAL_PATIENT = "manual_patient", _("Entered by the patient")
    MANUAL_STAFF = "manual_staff", _("Entered by a clinician")
    DEVICE = "device", _("Device")
    HL7 = "hl7", _("HL7 message")


class AlertLevel(models.TextChoices):
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


# Which level wins when a reading breaks the limits of several plans.
ALERT_LEVEL_ORDER: dict[str, int] = {AlertLevel.WARNING: 1, AlertLevel.CRITICAL: 2}


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
