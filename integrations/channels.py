"""Delivery adapters by channel name. An app registers the sender for each channel it writes to:

    @register("national.schedule")
    def send_schedule(message: OutboxMessage) -> dict: ...

A sender returns the receiver's answer (kept on the message), raises TransientError for failures worth
retrying (timeouts, 5xx, connection refused) and PermanentError for refusals that will not change.
"""

from collections.abc import Callable


class DeliveryError(Exception):
    pass


class TransientError(DeliveryError):
    pass


class PermanentError(DeliveryError):
    pass


_senders: dict[str, Callable] = {}


def register(channel: str):
    def decorator(sender: Callable) -> Callable:
        _senders[channel] = sender
        return sender

    return decorator


def sender_for(channel: str) -> Callable:
    try:
        return _senders[channel]
    except KeyError:
        raise PermanentError(f"no sender registered for channel {channel!r}") from None
