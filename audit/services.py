"""The one way to write the audit journal.

Every service that reads, creates, changes, deletes, prints, exports, signs, sends or receives personal
medical data calls `record` (or `record_many` for a bulk operation) inside its own transaction, so a
change never lands without its entry and a failed journal write fails the whole operation.

Writers append under a transaction-level advisory lock held until commit, so the hash chain stays
linear however many processes write at once: each entry links to the last committed one. Call `record`
late in a transaction — the lock is held from there to the commit.
"""

import contextlib
import json
import time
from collections.abc import Iterable, Mapping
from functools import cache

import psycopg
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from mis import request_context

from .chain import CHAIN_FIELDS, GENESIS, entry_hash
from .choices import AuditAction
from .models import AuditEntry

CHAIN_LOCK = 0x4155_4454  # "AUDT": the advisory lock key that serialises appends


def _actor_identity(actor) -> tuple[str, str, int | None]:
    """Name, roles and organisation of the actor as they are now: the entry must keep them even if the
    user is renamed or changes roles later."""
    name = actor.get_full_name() or actor.get_username()
    assignments = actor.active_role_assignments() if hasattr(actor, "active_role_assignments") else []
    roles = ", ".join(sorted({str(assignment.role.name) for assignment in assignments}))
    organisation_id = getattr(actor, "organisation_id", None) or next(
        (assignment.organisation_id for assignment in assignments), None
    )
    return name, roles, organisation_id


def _plain(fields: Mapping | None) -> dict:
    """The fields as JSON will return them, so that the hash computed now matches the stored row."""
    return json.loads(json.dumps(dict(fields or {}), cls=DjangoJSONEncoder))


def _entry(*, actor, action, patient=None, obj=None, fields=None, reason="", counterpart="", outcome="") -> AuditEntry:
    context = request_context.current()
    person = actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None
    name, roles, organisation_id = _actor_identity(person) if person else ("", "", None)
    if organisation_id is None and patient is not None:
        organisation_id = patient.organisation_id
    return AuditEntry(
        actor=person,
        actor_name=name[:300],
        actor_role=roles[:300],
        organisation_id=organisation_id,
        action=AuditAction(action),
        patient=patient,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        fields=_plain(fields),
        reason=reason,
        ip=context.ip,
        user_agent=context.user_agent[:300],
        request_id=context.request_id,
        counterpart=counterpart[:100],
        outcome=outcome[:32],
    )


@cache
def _insert_sql(rows: int) -> str:
    fields = AuditEntry._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return f"INSERT INTO {AuditEntry._meta.db_table} ({columns}) VALUES {', '.join([row] * rows)}"  # noqa: S608


@cache
def _link_sql(rows: int) -> str:
    """The chain lock, then as many new ids as entries and the last committed hash. Two statements: the
    second's snapshot is taken after the lock is granted, so it sees the previous writer's commit."""
    table = AuditEntry._meta.db_table
    return (
        f"SELECT pg_advisory_xact_lock({CHAIN_LOCK});"  # noqa: S608 - the model's table and integers
        f" SELECT nextval(pg_get_serial_sequence('{table}', 'id')),"
        f" (SELECT hash FROM {table} ORDER BY id DESC LIMIT 1) FROM generate_series(1, {int(rows)})"
    )


def _link(rows: list[tuple[int, str | None]], entries: list[AuditEntry]) -> None:
    """Give the entries their ids and hashes after the last committed entry."""
    ids = sorted(entry_id for entry_id, _ in rows)
    prev_hash = rows[0][1] or GENESIS
    now = timezone.now()
    for entry, entry_id in zip(entries, ids, strict=True):
        entry.id, entry.created_at, entry.prev_hash = entry_id, now, prev_hash
        values = {name: getattr(entry, name) for name in CHAIN_FIELDS}
        entry.hash = prev_hash = entry_hash(entry.prev_hash, values)


def _insert_batches(entries: list[AuditEntry]) -> list[tuple[str, list]]:
    """The INSERT statements for the entries, in batches of a bounded size."""
    fields = AuditEntry._meta.concrete_fields
    per_batch = 65535 // len(fields)
    return [
        (
            _insert_sql(len(batch)),
            [field.get_db_prep_save(getattr(entry, field.attname), connection) for entry in batch for field in fields],
        )
        for batch in (entries[start : start + per_batch] for start in range(0, len(entries), per_batch))
    ]


def _execute(cursor, sql: str, params: list | None = None) -> None:
    """Run one round trip, logged like Django's own queries so that query counts and debug tools see it."""
    started = time.monotonic()
    cursor.execute(sql, params)
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def _append(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Two round trips, each a simple-protocol batch of statements: BEGIN (for a read outside any
    transaction), the chain lock and the link; then the INSERT and COMMIT. This is the write every
    journaled read pays for, so it skips the ORM and the driver's extended protocol. Inside the caller's
    transaction the entries commit, or not, with what they describe; an error fails that transaction."""
    if not entries:
        return entries
    own_transaction = not connection.in_atomic_block
    connection.ensure_connection()
    raw = connection.connection
    with connection.wrap_database_errors, psycopg.ClientCursor(raw) as cursor:
        try:
            _execute(cursor, ("BEGIN; " if own_transaction else "") + _link_sql(len(entries)))
            while cursor.nextset():
                pass
            _link(cursor.fetchall(), entries)
            batches = _insert_batches(entries)
            for number, (sql, params) in enumerate(batches, start=1):
                last = number == len(batches)
                _execute(cursor, sql + ("; COMMIT" if own_transaction and last else ""), params)
        except BaseException:
            if own_transaction:
                with contextlib.suppress(Exception):  # a lost connection: the error raised below says why
                    raw.execute("ROLLBACK")
            else:
                transaction.set_rollback(True)
            raise
    for entry in entries:
        entry._state.adding, entry._state.db = False, connection.alias
    return entries


def record(
    *,
    actor,
    action: AuditAction | str,
    patient=None,
    obj: models.Model | None = None,
    fields: Mapping | None = None,
    reason: str = "",
) -> AuditEntry:
    """Journal one action on personal medical data. For changes, `fields` maps each changed field to
    [old, new]; otherwise it holds what identifies the action (a document kind, an export's filters)."""
    return _append([_entry(actor=actor, action=action, patient=patient, obj=obj, fields=fields, reason=reason)])[0]


def record_many(*, actor, action: AuditAction | str, entries: Iterable[Mapping], reason: str = "") -> list[AuditEntry]:
    """Journal a bulk operation in one statement: `entries` are dicts with `patient`, `obj`, `fields`."""
    return _append([_entry(actor=actor, action=action, reason=reason, **dict(entry)) for entry in entries])


def record_exchange(
    *,
    direction: str,
    counterpart: str,
    message_type: str,
    message_id: str,
    patient=None,
    outcome: str,
    detail: str = "",
    actor=None,
) -> AuditEntry:
    """Journal one transmission to ("out") or receipt from ("in") another system (DSM39-4.13)."""
    if direction not in ("in", "out"):
        raise ValueError(f"direction must be 'in' or 'out', not {direction!r}")
    entry = _entry(
        actor=actor,
        action=AuditAction.TRANSMIT if direction == "out" else AuditAction.RECEIVE,
        patient=patient,
        fields={"message_type": message_type, "message_id": message_id, "detail": detail[:500]},
        counterpart=counterpart,
        outcome=outcome,
    )
    entry.object_type, entry.object_id = message_type[:100], message_id[:64]
    return _append([entry])[0]
