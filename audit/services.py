"""The one way to write the audit journal.

Every service that reads, creates, changes, deletes, prints, exports, signs, sends or receives personal
medical data calls `record` inside its own transaction, so a change never lands without its entry and a
failed journal write fails the whole operation.
"""

from collections.abc import Iterable, Mapping

from django.db import models

from mis import request_context

from .choices import AuditAction
from .models import AuditEntry


def record(
    *,
    actor,
    action: AuditAction | str,
    patient=None,
    obj: models.Model | None = None,
    fields: Mapping | None = None,
    reason: str = "",
) -> AuditEntry:
    context = request_context.current()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_name=actor_obj.get_full_name() or actor_obj.get_username() if actor_obj else "",
        action=AuditAction(action),
        patient=patient,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        fields=dict(fields or {}),
        reason=reason,
        ip=context.ip,
        user_agent=context.user_agent,
        request_id=context.request_id,
    )


def record_many(
    *, actor, action: AuditAction | str, entries: Iterable[Mapping], reason: str = ""
) -> list[AuditEntry]:
    """Journal a bulk operation in one statement: `entries` are dicts with `patient`, `obj`, `fields`."""
    return [record(actor=actor, action=action, reason=reason, **dict(entry)) for entry in entries]


def record_exchange(
    *, direction: str, counterpart: str, message_type: str, message_id: str, patient=None, outcome: str,
    detail: str = "",
) -> AuditEntry:
    """Journal one transmission to ("out") or receipt from ("in") another system (DSM39-4.13)."""
    return record(
        actor=None,
        action=AuditAction.TRANSMIT if direction == "out" else AuditAction.RECEIVE,
        patient=patient,
        fields={"counterpart": counterpart, "message_type": message_type, "message_id": message_id,
                "outcome": outcome, "detail": detail[:500]},
    )
