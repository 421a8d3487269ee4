"""Real-time push of primary-care schedules to the authorized body's schedule service (DSM80-8).

Each change is an outbox row written in the changing transaction, with an idempotency key of its own, so
that it is sent once however often the delivery is retried; the sender below speaks to the service (the
national-systems simulator in development and tests).
"""

import uuid

from integrations.channels import register
from integrations.client import national_request
from integrations.services import outbox_enqueue, outbox_enqueue_many

CHANNEL = "national.schedule"


def _message(schedule, change: str, detail: dict) -> tuple[str, dict]:
    """(idempotency key, payload): a key of its own per change, so a retried delivery is sent once."""
    clinician = schedule.clinician
    return f"schedule-{schedule.pk}-{uuid.uuid4().hex}", {
        "type": "schedule_change",
        "organisation": schedule.department.organisation.code,
        "department": schedule.department.code,
        "clinician": {"id": str(clinician.uuid), "name": clinician.get_full_name()},
        "changes": [{"change": change, **detail}],
    }


def schedule_changed(*, schedule, change: str, detail: dict) -> None:
    if not schedule.primary_care:
        return
    key, payload = _message(schedule, change, detail)
    outbox_enqueue(channel=CHANNEL, idempotency_key=key, payload=payload)


def schedules_changed(changes: list[tuple[object, str, dict]]) -> None:
    """Many (schedule, change, detail) at once, for batch jobs: one insert for all of them. Schedules come
    with their clinician and department's organisation loaded."""
    messages = [_message(schedule, change, detail) for schedule, change, detail in changes if schedule.primary_care]
    outbox_enqueue_many([{"channel": CHANNEL, "idempotency_key": key, "payload": payload} for key, payload in messages])


def slot_availability_changed(*, slot, available: bool) -> None:
    schedule = slot.schedule
    schedule_changed(
        schedule=schedule,
        change="slot_free" if available else "slot_taken",
        detail={"slot": str(slot.uuid), "starts_at": slot.starts_at.isoformat(), "ends_at": slot.ends_at.isoformat()},
    )


@register(CHANNEL)
def send_schedule_change(message) -> dict:
    payload = message.payload
    return national_request(
        "POST",
        "/schedules/v1/changes",
        json={
            "organisation": payload["organisation"],
            "clinician": payload["clinician"],
            "department": payload["department"],
            "changes": payload["changes"],
        },
        idempotency_key=message.idempotency_key,
    )
