"""HTTP client for the national systems (or their simulator): timeouts, errors mapped for the outbox."""

import requests
from django.conf import settings

from .channels import PermanentError, TransientError

TIMEOUT = (3, 10)  # connect, read seconds


def national_request(method: str, path: str, *, json: dict | None = None, idempotency_key: str = "") -> dict:
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    url = settings.NATIONAL_SYSTEMS_URL.rstrip("/") + path
    try:
        response = requests.request(method, url, json=json, headers=headers, timeout=TIMEOUT)
    except (requests.ConnectionError, requests.Timeout) as error:
        raise TransientError(f"{path}: {error.__class__.__name__}") from error
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientError(f"{path}: HTTP {response.status_code}")
    if response.status_code == 404:
        raise PermanentError(f"{path}: not found")
    if response.status_code >= 400:
        raise PermanentError(f"{path}: HTTP {response.status_code} {response.text[:200]}")
    try:
        return response.json()
    except ValueError:
        raise PermanentError(f"{path}: the answer is not JSON") from None
