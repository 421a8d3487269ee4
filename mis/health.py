"""Liveness and readiness probes of the real dependencies."""

import redis
from django.conf import settings
from django.db import connection


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def redis_ok() -> bool:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        return bool(client.ping())
    except redis.RedisError:
        return False


def celery_ok(timeout: float = 1.0) -> bool:
    from mis.celery import app

    try:
        return bool(app.control.ping(timeout=timeout))
    except Exception:
        return False


def readiness() -> dict[str, bool]:
    return {"database": database_ok(), "redis": redis_ok(), "celery": celery_ok()}
