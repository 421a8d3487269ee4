from celery import shared_task

from .choices import OutboxStatus
from .services import backoff, outbox_deliver, outbox_due_ids


@shared_task(acks_late=True, ignore_result=True)
def deliver_outbox_messages(message_ids: list[int]) -> None:
    """Send what one transaction queued; a message that must be retried goes on alone after its backoff."""
    for message_id in message_ids:
        message = outbox_deliver(message_id)
        if message is not None and message.status == OutboxStatus.PENDING:
            deliver_outbox_messages.apply_async(([message_id],), countdown=backoff(message.attempts).total_seconds())


@shared_task(ignore_result=True)
def sweep_outbox() -> None:
    """Hand every due message to a worker: the safety net for lost task messages and restarts."""
    for message_id in outbox_due_ids():
        deliver_outbox_messages.delay([message_id])
