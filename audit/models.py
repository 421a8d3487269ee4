from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction


class AppendOnlyError(Exception):
    """The audit journal is never changed or deleted by the application."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")

    _raw_delete = delete


class AuditEntry(models.Model):
    """One access to or change of personal medical data, or one data exchange. Append-only, hash-chained.

    Written only by audit.services (which takes the chain lock and computes `hash`); a database trigger
    refuses UPDATE and DELETE; `manage.py audit_verify` walks the chain.
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    # The foreign keys' lookups use the (column, -id) indexes below; single-column ones would only slow
    # every append. No database constraints either: checking one locks the row it points to, so every
    # journaled read of a chart would write a lock onto the patient's row (a MultiXact when two clinicians
    # read at once). The journal names its people by value as well (actor_name, actor_role), and the
    # ORM's PROTECT still refuses to delete anyone the journal mentions.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    actor_name = models.CharField(_("user"), max_length=300, blank=True)
    actor_role = models.CharField(_("role"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    fields = models.JSONField(_("fields"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip = models.CharField(_("address"), max_length=64, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True)
    counterpart = models.CharField(_("counterpart system"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit journal")
        permissions = [("view_audit_journal", _("Can view the audit journal"))]
        default_permissions = ()
        # Every filter of the viewer is an index range ending in id, so keyset pages are index scans.
        indexes = [
            models.Index(fields=["actor", "-id"], name="audit_actor_id"),
            models.Index(fields=["patient", "-id"], name="audit_patient_id"),
            models.Index(fields=["action", "-id"], name="audit_action_id"),
            models.Index(fields=["object_type", "-id"], name="audit_object_type_id"),
            models.Index(fields=["organisation", "-id"], name="audit_organisation_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")

    @property
    def object_label(self) -> str:
        """What the entry is about, as the model's name in the reader's language ("" when unknown)."""
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name) if self.object_type else ""
        except (LookupError, ValueError):
            return ""

    @property
    def actor_role_labels(self) -> str:
        """The roles in the reader's language (custom roles keep their own names)."""
        from accounts.roles import Role

        names = [name.strip() for name in self.actor_role.split(",") if name.strip()]
        return ", ".join(str(Role(name).label) if name in Role.values else name for name in names)
