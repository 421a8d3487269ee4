"""The hash chain over the audit journal.

Each entry's hash is an HMAC-SHA256 over the previous entry's hash and a canonical form of the entry
itself (its id included), so changing, deleting, or inserting an entry anywhere breaks the chain from
that entry on. The key (settings.AUDIT_CHAIN_KEY) keeps a database administrator who can write rows
from forging a valid continuation; it must never change once the journal has entries.
"""

import datetime
import hashlib
import hmac
import json

from django.conf import settings

GENESIS = "0" * 64

# The columns the hash covers, in order. Adding one is a new chain version: never reorder these.
CHAIN_FIELDS = (
    "id",
    "created_at",
    "actor_id",
    "actor_name",
    "actor_role",
    "organisation_id",
    "action",
    "patient_id",
    "object_type",
    "object_id",
    "fields",
    "reason",
    "ip",
    "user_agent",
    "request_id",
    "counterpart",
    "outcome",
)


def _canonical_value(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return value


def canonical(values: dict) -> bytes:
    """The entry as bytes that do not depend on dict order or on how the database returned it."""
    document = {name: _canonical_value(values[name]) for name in CHAIN_FIELDS}
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(prev_hash: str, values: dict) -> str:
    key = settings.AUDIT_CHAIN_KEY.encode()
    return hmac.new(key, prev_hash.encode() + b"\n" + canonical(values), hashlib.sha256).hexdigest()
