"""Lock-out after repeated failed sign-ins, per account and per address, with exponential back-off.

A wrong password and a wrong second-factor code both count. Once failures reach the threshold, each
further failure doubles the lock (from `base_seconds` up to `max_seconds`). A completed sign-in clears
the account's counter; an address's counter only runs out, so that a valid account cannot be used to
reset a brute-force run from the same address.

Settings (optional): ACCOUNTS_LOCKOUT = {"account_threshold": 5, "address_threshold": 20,
"base_seconds": 60, "max_seconds": 86400}.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import SignInThrottle, User

DEFAULTS = {"account_threshold": 5, "address_threshold": 20, "base_seconds": 60, "max_seconds": 86400}


def _config() -> dict:
    return {**DEFAULTS, **getattr(settings, "ACCOUNTS_LOCKOUT", {})}


@dataclass(frozen=True)
class Lock:
    scope: str
    until: datetime.datetime


def account_key(login: str = "", user: User | None = None) -> str:
    """One key per account whether the person typed the username or the e-mail."""
    if user is None and login:
        user = User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).order_by("pk").first()
    if user is not None:
        return f"user:{user.pk}"
    return f"login:{login.strip().lower()}"


def active_lock(*, account: str, address: str) -> Lock | None:
    now = timezone.now()
    rows = SignInThrottle.objects.filter(
        Q(scope=SignInThrottle.Scope.ACCOUNT, key=account) | Q(scope=SignInThrottle.Scope.ADDRESS, key=address),
        locked_until__gt=now,
    ).order_by("-locked_until")
    row = rows.first()
    return Lock(row.scope, row.locked_until) if row else None


def _lock_seconds(failures: int, threshold: int, config: dict) -> int:
    if failures < threshold:
        return 0
    return min(config["base_seconds"] * 2 ** (failures - threshold), config["max_seconds"])


@transaction.atomic
def register_failure(*, account: str, address: str) -> Lock | None:
    """Count one failure against the account and the address; return the lock it caused, if any."""
    config = _config()
    now = timezone.now()
    caused = None
    for scope, key, threshold in (
        (SignInThrottle.Scope.ACCOUNT, account, config["account_threshold"]),
        (SignInThrottle.Scope.ADDRESS, address, config["address_threshold"]),
    ):
        if not key:
            continue
        row, _ = SignInThrottle.objects.select_for_update().get_or_create(scope=scope, key=key)
        row.failures += 1
        row.last_failure_at = now
        seconds = _lock_seconds(row.failures, threshold, config)
        if seconds:
            row.locked_until = now + datetime.timedelta(seconds=seconds)
            if caused is None or row.locked_until > caused.until:
                caused = Lock(scope, row.locked_until)
        row.save()
    return caused


def clear_account(account: str) -> None:
    SignInThrottle.objects.filter(scope=SignInThrottle.Scope.ACCOUNT, key=account).delete()
