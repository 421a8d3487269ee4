"""Password rules beyond Django's validators: no reuse of recent passwords, generated initial ones."""

import secrets
import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

HISTORY_LENGTH = 5
INITIAL_PASSWORD_LENGTH = 16
# No look-alike characters (0/O, 1/l/I) in a password read from a screen and typed in.
_ALPHABET = "".join(ch for ch in string.ascii_letters + string.digits if ch not in "0O1lI")


def generate_initial_password() -> str:
    """A random password that satisfies every validator: letters of both cases, digits, a sign."""
    while True:
        body = [secrets.choice(_ALPHABET) for _ in range(INITIAL_PASSWORD_LENGTH - 1)]
        if any(c.islower() for c in body) and any(c.isupper() for c in body) and any(c.isdigit() for c in body):
            body.insert(secrets.randbelow(len(body) + 1), secrets.choice("-_.!#%"))
            return "".join(body)


def recent_hashes(user, count: int = HISTORY_LENGTH) -> list[str]:
    """The current password and the ones before it, `count` in all (the current one is in the history
    once a service has set it, but not for a password set some other way)."""
    history = list(user.password_history.values_list("password", flat=True)[:count]) if user.pk else []
    if user.password and user.password not in history:
        history = [user.password, *history[: count - 1]]
    return history


class PasswordHistoryValidator:
    """Refuses a password that is the current one or one of the user's last `count` passwords."""

    def __init__(self, count: int = HISTORY_LENGTH):
        self.count = count

    def validate(self, password: str, user=None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        for encoded in recent_hashes(user, self.count):
            if check_password(password, encoded):
                raise ValidationError(
                    ngettext(
                        "You have used this password recently. Choose one that is not among your last %(count)d password.",
                        "You have used this password recently. Choose one that is not among your last %(count)d passwords.",
                        self.count,
                    )
                    % {"count": self.count},
                    code="password_reused",
                )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password cannot be the same as your last %(count)d password.",
            "Your password cannot be the same as any of your last %(count)d passwords.",
            self.count,
        ) % {"count": self.count}


def remember_password(user) -> None:
    """Keep the user's current password hash in their history (called by the services that set one)."""
    from .models import PasswordHistory

    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = user.password_history.values_list("pk", flat=True)[HISTORY_LENGTH:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
