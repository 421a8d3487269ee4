"""Reads of the audit journal: the auditor's filtered journal and a patient's "who accessed my data"."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .choices import AuditAction
from .models import AuditEntry

PATIENT_VISIBLE_ACTIONS = (
    AuditAction.VIEW,
    AuditAction.CREATE,
    AuditAction.UPDATE,
    AuditAction.DELETE,
    AuditAction.EXPORT,
    AuditAction.PRINT,
    AuditAction.SIGN,
    AuditAction.BREAK_THE_GLASS,
)


def journal_visible_to(user) -> QuerySet[AuditEntry]:
    """The entries an auditor or administrator may read: those of their organisation (all for a superuser)."""
    if not user.is_authenticated or not user.has_perm("audit.view_audit_journal"):
        return AuditEntry.objects.none()
    if user.is_superuser:
        return AuditEntry.objects.all()
    organisations = {assignment.organisation_id for assignment in user.active_role_assignments()}
    if user.organisation_id:
        organisations.add(user.organisation_id)
    return AuditEntry.objects.filter(organisation_id__in=organisations)


def _id_bounds(date_from: datetime.date | None, date_to: datetime.date | None) -> tuple[int | None, int | None]:
    """The period as an id range: entries are appended in time order under the chain lock, so the ids of
    a period are contiguous, and every other filter can then use its (column, id) index."""
    zone = timezone.get_current_timezone()
    low = high = None
    if date_from:
        start = datetime.datetime.combine(date_from, datetime.time.min, zone)
        low = AuditEntry.objects.filter(created_at__gte=start).order_by("created_at").values_list("id", flat=True).first()
        low = low if low is not None else -1  # nothing since: an empty range
    if date_to:
        end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, zone)
        high = AuditEntry.objects.filter(created_at__lt=end).order_by("-created_at").values_list("id", flat=True).first()
        high = high if high is not None else 0
    return low, high


def journal_entries(
    entries: QuerySet[AuditEntry],
    *,
    user=None,
    patient=None,
    action: str = "",
    object_type: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    before: int | None = None,
) -> QuerySet[AuditEntry]:
    """Entries newest first, filtered; `before` is the keyset cursor (the last id of the previous page)."""
    if user is not None:
        entries = entries.filter(actor=user)
    if patient is not None:
        entries = entries.filter(patient=patient)
    if action:
        entries = entries.filter(action=action)
    if object_type:
        entries = entries.filter(object_type=object_type)
    low, high = _id_bounds(date_from, date_to)
    if low is not None:
        entries = entries.filter(id__gte=low) if low >= 0 else entries.none()
    if high is not None:
        entries = entries.filter(id__lte=high)
    if before is not None:
        entries = entries.filter(id__lt=before)
    return entries.select_related("patient").order_by("-id")


def keyset_page(entries: QuerySet[AuditEntry], size: int) -> tuple[list[AuditEntry], int | None]:
    """One page and the cursor of the next one (None on the last page)."""
    rows = list(entries[: size + 1])
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


def patient_access_log(patient) -> QuerySet[AuditEntry]:
    """Who accessed this patient's data (DSM39-4.18): people's actions, not the patient's own nor the
    machines' exchanges."""
    entries = AuditEntry.objects.filter(patient=patient, action__in=PATIENT_VISIBLE_ACTIONS, actor__isnull=False)
    if patient.user_id:
        entries = entries.exclude(actor_id=patient.user_id)
    return entries.select_related("organisation").order_by("-id")
