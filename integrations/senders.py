"""Senders for the channels this app owns: the SMS and e-mail gateways (HTTP; simulated in development)."""

from .channels import register
from .client import national_request


@register("sms")
def send_sms(message) -> dict:
    payload = message.payload
    return national_request(
        "POST",
        "/sms/v1/messages",
        json={"phone": payload["phone"], "text": payload["text"]},
        idempotency_key=message.idempotency_key,
    )


@register("email")
def send_email(message) -> dict:
    payload = message.payload
    return national_request(
        "POST",
        "/email/v1/messages",
        json={
            "to": payload["to"],
            "subject": payload["subject"],
            "body": payload["body"],
            "attachments": payload.get("attachments", []),
        },
        idempotency_key=message.idempotency_key,
    )
