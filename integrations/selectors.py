from django.db.models import QuerySet

from .models import OutboxMessage


def outbox_page(*, status: str = "", channel: str = "", before_id: int | None = None, size: int = 50) -> list[OutboxMessage]:
    """Newest first, keyset-paginated by id so that deep pages cost what the first one does."""
    messages: QuerySet = OutboxMessage.objects.all()
    if status:
        messages = messages.filter(status=status)
    if channel:
        messages = messages.filter(channel=channel)
    if before_id is not None:
        messages = messages.filter(pk__lt=before_id)
    return list(messages.order_by("-pk").defer("payload", "response")[:size])
