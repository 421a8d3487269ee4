from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mis.models import BaseModel

from .choices import OutboxStatus


class OutboxMessage(BaseModel):
    """Something that must leave the system, written in the same transaction as the change behind it.

    A Celery worker delivers it through the adapter registered for its channel, with retries and
    back-off; the idempotency key travels with the message so that a receiver can drop duplicates.
    """

    channel = models.CharField(_("channel"), max_length=64)
    payload = models.JSONField(_("payload"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    response = models.JSONField(_("response"), default=dict, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        permissions = [("view_outbox", _("Can view the integration queue"))]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="outbox_due"),
            models.Index(fields=["channel", "-created_at"], name="outbox_channel_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.idempotency_key} ({self.status})"
