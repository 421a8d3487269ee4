"""The outbox: the only way anything leaves the system."""

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import record_exchange

from .channels import PermanentError, TransientError, sender_for
from .choices import OutboxStatus
from .models import OutboxMessage

MAX_ATTEMPTS = 8


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(2**attempts, 600))


def outbox_enqueue(*, channel: str, payload: dict, idempotency_key: str, patient=None) -> OutboxMessage:
    """Queue a message inside the caller's transaction; it is handed to a worker once that commits.

    The same idempotency key twice keeps the first message: a retried request does not send twice.
    """
    [message] = outbox_enqueue_many(
        [{"channel": channel, "payload": payload, "idempotency_key": idempotency_key, "patient": patient}]
    )
    return message


def outbox_enqueue_many(messages: list[dict]) -> list[OutboxMessage]:
    """Queue many messages — dicts of channel, payload, idempotency_key and optionally patient — in one
    statement inside the caller's transaction; each goes to a worker once that commits. A key already
    queued keeps its first message (the row is left as it was; its id is returned all the same)."""
    unique = {message["idempotency_key"]: message for message in messages}
    rows = OutboxMessage.objects.bulk_create(
        [OutboxMessage(**message) for message in unique.values()],
        update_conflicts=True,  # ON CONFLICT … DO UPDATE, so that every row comes back with its id
        unique_fields=["idempotency_key"],
        update_fields=["idempotency_key"],
        batch_size=1000,
    )
    if rows:
        from .tasks import deliver_outbox_messages

        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: deliver_outbox_messages.delay(ids))
    return rows


def outbox_deliver(message_id: int) -> OutboxMessage | None:
    """Try to send one due message. Returns it, or None when it is not due or another worker has it."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            message.response = sender_for(message.channel)(message) or {}
        except TransientError as error:
            message.last_error = str(error)
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.DEAD
            else:
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
        except PermanentError as error:
            message.last_error = str(error)
            message.status = OutboxStatus.FAILED
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save(
            update_fields=["attempts", "response", "last_error", "status", "next_attempt_at", "sent_at", "updated_at"]
        )
        record_exchange(
            direction="out",
            counterpart=message.channel,
            message_type=message.payload.get("type", message.channel),
            message_id=message.idempotency_key,
            patient=message.patient,
            outcome=message.status if message.status != OutboxStatus.PENDING else "retry",
            detail=message.last_error,
        )
        return message


def outbox_due_ids(limit: int = 500) -> list[int]:
    return list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
