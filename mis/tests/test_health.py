import pytest

from mis import health


@pytest.mark.req("DSM80-23")
def test_healthz_answers_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.req("DSM80-23")
def test_readyz_reports_every_dependency_up_with_a_worker(client, celery_worker):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "checks": {"database": True, "redis": True, "celery": True}}


@pytest.mark.django_db
def test_readyz_is_unavailable_without_a_celery_worker(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] is True and body["checks"]["redis"] is True
    assert body["checks"]["celery"] is False


def test_redis_check_fails_on_an_unreachable_server(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    assert health.redis_ok() is False
