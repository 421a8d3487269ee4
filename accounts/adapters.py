"""Sign-in through django-allauth, with the clinic's rules: lock-out after failures (per account and per
address, with back-off), bans, working hours and trusted addresses, and every step journaled."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mis import request_context

from . import lockout
from .choices import Outcome, SecurityEventType
from .journal import security_event
from .models import User
from .policy import refusal_for, requires_second_factor


def typed_login(credentials: dict) -> str:
    return credentials.get("username") or credentials.get("email") or ""


def lock_message(lock: lockout.Lock) -> str:
    until = formats.time_format(timezone.localtime(lock.until), "TIME_FORMAT")
    if lock.scope == "address":
        return _("Too many failed sign-in attempts from this address. Try again after %(time)s.") % {"time": until}
    return _("Too many failed sign-in attempts for this account. Try again after %(time)s.") % {"time": until}


def user_for_login(login: str) -> User | None:
    if not login:
        return None
    return (
        User.objects.filter(username__iexact=login).first()
        or User.objects.filter(email__iexact=login).order_by("pk").first()
    )


def check_lock(*, login: str = "", user: User | None = None) -> None:
    """Raise a ValidationError saying until when, if the account or the address is locked out."""
    address = request_context.current().ip
    user = user or user_for_login(login)
    lock = lockout.active_lock(account=lockout.account_key(login, user), address=address)
    if lock is not None:
        security_event(
            event=SecurityEventType.SIGN_IN_REFUSED,
            outcome=Outcome.REFUSED,
            user=user,
            username=login,
            details={"rule": "lockout", "scope": lock.scope},
        )
        raise ValidationError(lock_message(lock), code="locked_out")


def count_failure(*, event: str, login: str = "", user: User | None = None) -> lockout.Lock | None:
    """Journal a failed step (password or second factor) and count it towards the lock-out."""
    address = request_context.current().ip
    user = user or user_for_login(login)
    security_event(event=event, outcome=Outcome.FAILURE, user=user, username=login)
    lock = lockout.register_failure(account=lockout.account_key(login, user), address=address)
    if lock is not None:
        security_event(
            event=SecurityEventType.LOCKED_OUT,
            outcome=Outcome.REFUSED,
            user=user,
            username=login,
            details={"scope": lock.scope, "until": lock.until.isoformat()},
        )
    return lock


def sign_in_completed(user: User) -> None:
    """The whole sign-in (with the second factor where needed) succeeded: the account's count restarts."""
    lockout.clear_account(lockout.account_key(user=user))


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Staff accounts are created by an administrator; patients sign up through the personal cabinet.
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        check_lock(login=typed_login(credentials))

    def authentication_failed(self, request, **credentials) -> None:
        lock = count_failure(event=SecurityEventType.SIGN_IN_FAILED, login=typed_login(credentials))
        if lock is not None:
            raise ValidationError(lock_message(lock), code="locked_out")

    def pre_login(self, request, user, **kwargs):
        refusal = refusal_for(user, ip=request_context.current().ip)
        if refusal is not None:
            from allauth.account.internal.stagekit import clear_login

            from .middleware import refuse

            clear_login(request)
            return refuse(request, user, refusal, at_sign_in=True)
        return super().pre_login(request, user, **kwargs)

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        security_event(
            event=SecurityEventType.SIGN_IN,
            user=user,
            details={"second_factor_pending": requires_second_factor(user)},
        )
        if not requires_second_factor(user):
            sign_in_completed(user)
        return response

    def set_password(self, user, password: str) -> None:
        # allauth's own password pages go through the same service as ours: history and journal.
        from .services import password_change

        password_change(user=user, new_password=password)

    def logout(self, request) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            security_event(event=SecurityEventType.SIGN_OUT, user=user)
        super().logout(request)
