"""Walking the audit journal's hash chain (`manage.py audit_verify`, and nightly from Celery beat)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .chain import CHAIN_FIELDS, GENESIS, entry_hash
from .models import AuditEntry

BATCH = 5000


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_id: int | None = None
    kind: str = ""  # "link": an entry deleted or inserted before this one; "hash": this one changed
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def chain_verify(batch: int = BATCH) -> ChainReport:
    """Recompute every entry's hash in id order; report the first entry that does not fit.

    An entry whose own hash does not match its content was changed (or forged without the key); an entry
    whose link does not match the entry before it follows a deleted or inserted one.
    """
    columns = (*CHAIN_FIELDS, "prev_hash", "hash")
    prev_hash, last_id, checked = GENESIS, 0, 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id").values(*columns)[:batch])
        if not rows:
            return ChainReport(checked=checked)
        for row in rows:
            if row["prev_hash"] != prev_hash:
                return ChainReport(
                    checked,
                    row["id"],
                    "link",
                    _("entry %(id)s does not link to the entry before it: an entry was deleted or inserted there")
                    % {"id": row["id"]},
                )
            if entry_hash(row["prev_hash"], row) != row["hash"]:
                return ChainReport(
                    checked,
                    row["id"],
                    "hash",
                    _("entry %(id)s does not match its hash: it was changed or written outside the application")
                    % {"id": row["id"]},
                )
            prev_hash, last_id, checked = row["hash"], row["id"], checked + 1


def chain_check() -> ChainReport:
    """Verify the chain and raise a flagged security event when it is broken."""
    from accounts.journal import security_event

    report = chain_verify()
    if not report.ok:
        security_event(
            event="audit_chain_broken",
            outcome="failure",
            details={"entry_id": report.broken_id, "problem": report.problem, "checked": report.checked},
            flagged=True,
        )
    return report
