"""Services, clinicians' schedules and slots, appointments and visits (DSM39-4.5, 4.6, 6.1; DSM80-8, 9)."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Site
from mis.models import BaseModel, LocalizedNameModel
from patients.models import Patient

from .choices import LIVE_STATUSES, WEEKDAYS, AppointmentEvent, AppointmentStatus, ExceptionKind, PriceGroup, ServiceForm


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Service(BaseModel, LocalizedNameModel):
    """A medical service from the services classifier: what can be booked, for how long, in which form."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration, minutes"), default=15)
    form = models.CharField(_("form"), max_length=16, choices=ServiceForm.choices, default=ServiceForm.IN_PERSON)
    price_group = models.CharField(_("price group"), max_length=8, choices=PriceGroup.choices, default=PriceGroup.GOBMP)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["code"]


class Schedule(BaseModel):
    """A clinician's weekly template at one place (a room, or remote), valid over a period."""

    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="schedules")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="schedules")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="schedules")
    room = models.CharField(_("room"), max_length=32, blank=True)
    is_remote = models.BooleanField(_("remote"), default=False)
    services = models.ManyToManyField(Service, related_name="schedules", verbose_name=_("services"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot length, minutes"), default=15)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    primary_care = models.BooleanField(
        _("primary care"), default=True, help_text=_("Changes are pushed to the national schedule service.")
    )

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        constraints = [
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="schedule_slot_at_least_5_minutes"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")), name="schedule_valid_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinician} — {self.room or _('remote')}"


class ScheduleRule(models.Model):
    """Working hours on one weekday (0 = Monday), with an optional break, in the clinic's time zone."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="rules")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"))
    break_start = models.TimeField(_("break from"), null=True, blank=True)
    break_end = models.TimeField(_("break to"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="schedule_rule_weekday"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="schedule_rule_order"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday}: {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def day_name(self) -> str:
        return WEEKDAYS[self.weekday]


class ScheduleException(models.Model):
    """A date that differs from the template: a day off, a sick day, or extra hours."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=ExceptionKind.choices)
    start = models.TimeField(_("from"), null=True, blank=True)
    end = models.TimeField(_("to"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=ExceptionKind.EXTRA) | (Q(start__isnull=False) & Q(end__gt=F("start"))),
                name="schedule_exception_extra_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class Slot(BaseModel):
    """A bookable period of a clinician's schedule, generated from the template."""

    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="slots")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    is_blocked = models.BooleanField(_("blocked"), default=False)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(fields=["clinician", "starts_at"], name="slot_clinician_start_unique"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_order"),
        ]
        indexes = [
            models.Index(fields=["starts_at", "clinician"], name="slot_day_grid"),
            models.Index(fields=["schedule", "starts_at"], name="slot_schedule_time"),  # grids, rebuilds
        ]


class Appointment(BaseModel):
    """A booking (запись на приём) with the DSM39-6.1 minimum data set kept as it was at booking time."""

    # Lookups by patient or clinician use the (patient, -starts_at) and (clinician, starts_at) indexes below.
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments", db_index=False)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments", db_index=False
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    form = models.CharField(_("form"), max_length=16, choices=ServiceForm.choices)
    # DSM39-6.1: what was booked, as it was then.
    patient_iin = models.CharField(_("IIN"), max_length=12, blank=True)
    patient_name = models.CharField(_("patient"), max_length=500)
    service_code = models.CharField(_("service code"), max_length=32)
    service_name = models.CharField(_("service"), max_length=255)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    reminded_24h_at = models.DateTimeField(null=True, blank=True)
    reminded_2h_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="appointment_order"),
            # Nobody is ever double-booked: not the clinician, not the patient (the service checks first,
            # these make it true under any concurrency).
            ExclusionConstraint(
                name="appointment_no_clinician_overlap",
                expressions=[
                    ("clinician", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=LIVE_STATUSES),
            ),
            ExclusionConstraint(
                name="appointment_no_patient_overlap",
                expressions=[
                    ("patient", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=LIVE_STATUSES),
            ),
        ]
        indexes = [
            models.Index(fields=["clinician", "starts_at"], name="appointment_clinician_day"),
            models.Index(fields=["patient", "-starts_at"], name="appointment_patient"),
            models.Index(fields=["starts_at"], name="appointment_reminders", condition=Q(status=AppointmentStatus.BOOKED)),
        ]

    def __str__(self) -> str:
        return f"{self.patient_name} — {self.service_name} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class AppointmentHistory(models.Model):
    """What happened to an appointment: booked, moved (from when to when), cancelled, reminded."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="history")
    event = models.CharField(_("event"), max_length=16, choices=AppointmentEvent.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_starts_at = models.DateTimeField(null=True, blank=True)
    to_starts_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)  # when everyone was told (see notifications)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at"], name="appointment_history_to_notify", condition=Q(notified_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.event}"


class Encounter(BaseModel):
    """A visit (посещение) opened from an appointment, or without one only as an emergency (DSM80-9)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="encounters")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="encounters")
    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="encounter"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    is_emergency = models.BooleanField(_("emergency"), default=False)
    emergency_reason = models.TextField(_("reason for the emergency"), blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        permissions = [("open_visit", _("Can open a visit"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(appointment__isnull=False) | (Q(is_emergency=True) & ~Q(emergency_reason="")),
                name="encounter_needs_an_appointment_or_an_emergency",
            ),
        ]


class Notification(BaseModel):
    """An in-app message to a user about an appointment (or anything else that notifies)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notification_inbox")]
