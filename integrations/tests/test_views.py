import pytest

from accounts.roles import Role
from integrations.services import outbox_enqueue


@pytest.mark.req("DSM39-4.13")
def test_the_administrator_sees_the_queue_filtered_by_status(client_as, django_assert_max_num_queries):
    outbox_enqueue(channel="sms", payload={"phone": "+77010000001", "text": "a"}, idempotency_key="a")
    outbox_enqueue(channel="email", payload={"to": "x@example.kz", "subject": "s", "body": "b"}, idempotency_key="b")
    client = client_as(Role.ADMINISTRATOR)
    with django_assert_max_num_queries(12):
        response = client.get("/integrations/outbox/", {"status": "pending", "channel": "sms"})
    assert response.status_code == 200
    assert [m.idempotency_key for m in response.context["messages_page"]] == ["a"]


def test_malformed_filters_are_reported_not_crashed(client_as):
    response = client_as(Role.ADMINISTRATOR).get("/integrations/outbox/", {"status": "bogus", "before": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"status", "before"}
    assert response.context["messages_page"] == []
