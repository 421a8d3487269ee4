"""Remote sessions (телеконсультация) and clinicians' messages to patients (DSM39-4.2, 4.16).

A remote session is the appointment's remote counterpart: who meets whom, when and in which form, and
where it stands in its life cycle. The video room, the chat with files and the consilia are added on
top of it later; `room` is already the identifier the video room will use.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from mis.models import BaseModel
from patients.models import Patient

from .choices import LIVE_SESSION_STATUSES, TRANSITIONS, MessageKind, SessionForm, SessionStatus

# The patient may enter the waiting room this long before the session starts.
WAITING_ROOM_OPENS = datetime.timedelta(minutes=30)


class RemoteSession(BaseModel):
    """A remote consultation of one patient with one clinician, optionally for a booked appointment."""

    # Lookups by patient or clinician use the (patient, -scheduled_start) and (clinician, scheduled_start)
    # indexes below.
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="remote_sessions", db_index=False)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="remote_sessions", db_index=False
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # One live session per appointment (the partial unique constraint below); a cancelled or interrupted
    # one does not stop the clinician from holding the appointment in a new session.
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="remote_sessions"
    )
    form = models.CharField(_("form"), max_length=16, choices=SessionForm.choices)
    status = models.CharField(_("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    scheduled_start = models.DateTimeField(_("scheduled start"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    room = models.UUIDField(_("room"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("remote session")
        verbose_name_plural = _("remote sessions")
        permissions = [("conduct_remote_session", _("Can conduct remote sessions"))]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(status__in=LIVE_SESSION_STATUSES),
                name="remote_session_one_live_per_appointment",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(started_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="remote_session_order",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-scheduled_start"], name="remote_session_patient"),
            models.Index(fields=["clinician", "scheduled_start"], name="remote_session_clinician"),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {timezone.localtime(self.scheduled_start):%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_SESSION_STATUSES

    def can_go_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, ())

    def waiting_room_open(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.scheduled_start - WAITING_ROOM_OPENS


class RemoteSessionHistory(models.Model):
    """One step of a session's life: who moved it from which status to which, when and why."""

    session = models.ForeignKey(RemoteSession, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_status = models.CharField(_("from"), max_length=16, choices=SessionStatus.choices, blank=True)  # "" = created
    to_status = models.CharField(_("to"), max_length=16, choices=SessionStatus.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("remote session history")
        verbose_name_plural = _("remote session history")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.from_status or '—'} → {self.to_status}"


class ClinicianMessage(BaseModel):
    """A message from the treating or accompanying clinician to the patient (DSM39-4.16), read in the
    personal cabinet by the patient or their legal representative."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="clinician_messages", db_index=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clinician_messages")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=MessageKind.choices)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("message from a clinician")
        verbose_name_plural = _("messages from clinicians")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(subject="") & ~Q(body=""), name="clinician_message_not_empty"),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True, read_by__isnull=True) | Q(read_at__isnull=False, read_by__isnull=False),
                name="clinician_message_read_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["patient", "-created_at"], name="clinician_message_patient")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
