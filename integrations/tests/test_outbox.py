import time

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from integrations.choices import OutboxStatus
from integrations.models import OutboxMessage
from integrations.services import outbox_deliver, outbox_enqueue


def enqueue_sms(key="sms-1", phone="+77010000001"):
    return outbox_enqueue(channel="sms", payload={"type": "sms", "phone": phone, "text": "Код: 1234"}, idempotency_key=key)


@pytest.mark.req("DSM39-4.13")
@pytest.mark.django_db
def test_a_message_is_sent_after_commit_and_the_exchange_is_journaled(national_sim, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue_sms()

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.sent_at is not None
    received = national_sim.requests("/sms/")
    assert [r["body"] for r in received] == [{"phone": "+77010000001", "text": "Код: 1234"}]
    assert received[0]["headers"]["idempotency-key"] == "sms-1"
    entry = AuditEntry.objects.get(action="transmit")
    assert entry.fields["message_id"] == "sms-1" and entry.outcome == "sent" and entry.counterpart == "sms"


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(national_sim, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        enqueue_sms()
        raise RuntimeError("the change behind the message failed")
    assert not OutboxMessage.objects.exists()
    assert national_sim.requests("/sms/") == []


@pytest.mark.django_db
def test_the_same_idempotency_key_queues_one_message(national_sim):
    assert enqueue_sms("same").pk == enqueue_sms("same").pk
    assert OutboxMessage.objects.count() == 1


@pytest.mark.req("DSM80-7")
@pytest.mark.django_db
def test_transient_failures_are_retried_with_backoff_and_sent_once(national_sim):
    national_sim.fail("/sms/", times=2, status=503)
    message = enqueue_sms()

    for expected_attempts in (1, 2):
        outbox_deliver(message.pk)
        message.refresh_from_db()
        assert message.status == OutboxStatus.PENDING and message.attempts == expected_attempts
        assert message.next_attempt_at > timezone.now()
        assert outbox_deliver(message.pk) is None  # not due yet: nobody sends early
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())

    outbox_deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 3
    assert len(national_sim.requests("/sms/")) == 3
    assert list(AuditEntry.objects.order_by("id").values_list("outcome", flat=True)) == ["retry", "retry", "sent"]


@pytest.mark.django_db
def test_a_refusal_is_not_retried(national_sim):
    message = outbox_enqueue(channel="sms", payload={"phone": "", "text": "x"}, idempotency_key="bad")
    outbox_deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and "HTTP 400" in message.last_error


@pytest.mark.django_db
def test_an_unreachable_gateway_is_a_transient_failure(settings):
    settings.NATIONAL_SYSTEMS_URL = "http://127.0.0.1:1"
    message = enqueue_sms()
    outbox_deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and "ConnectionError" in message.last_error


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_delivers_the_outbox(national_sim, celery_worker):
    with transaction.atomic():
        message = enqueue_sms("worker-1")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status == OutboxStatus.SENT:
            break
        time.sleep(0.2)
    assert message.status == OutboxStatus.SENT
    assert len(national_sim.requests("/sms/")) == 1
