"""The security-event journal (DSM80-27.7): the one function that writes it.

Everything that affects information security — sign-ins, second factors, lock-outs, bans, passwords,
users, roles and permissions, working-hours and trusted-address refusals, emergency access — is written
here, with who, when, from where (mis.request_context) and the outcome, and mirrored into the audit
journal's hash chain so that it is as tamper-evident as the record of medical data.
"""

from collections.abc import Mapping

from django.db import transaction

from mis import request_context

from .choices import Outcome, SecurityEventType
from .models import SecurityEvent, User


def _person(user) -> User | None:
    return user if isinstance(user, User) and user.pk else None


@transaction.atomic
def security_event(
    *,
    event: SecurityEventType | str,
    outcome: Outcome | str = Outcome.SUCCESS,
    user=None,
    username: str = "",
    actor=None,
    details: Mapping | None = None,
    flagged: bool = False,
) -> SecurityEvent:
    """Journal one security event.

    `user` is whom the event is about (the person signing in, the account being changed); `actor` is who
    did it when that is someone else (the administrator who banned the user). `username` keeps the login
    typed at a failed sign-in even when no such account exists. `flagged` raises it to the security
    officer's attention.
    """
    from audit.services import record

    context = request_context.current()
    subject = _person(user)
    by = _person(actor)
    entry = SecurityEvent.objects.create(
        event=SecurityEventType(event),
        outcome=Outcome(outcome),
        user=subject,
        username=(username or (subject.get_username() if subject else ""))[:255],
        actor=by,
        actor_name=(by.get_full_name() or by.get_username()) if by else "",
        ip=context.ip,
        user_agent=context.user_agent,
        request_id=context.request_id,
        details=dict(details or {}),
        flagged=flagged,
    )
    # The same event goes into the tamper-evident audit chain, in this transaction: the table above is
    # the security officer's working list (with review marks), the chain is what proves it later.
    record(
        actor=by or subject,
        action="security_event",
        obj=entry,
        fields={
            "event": entry.event,
            "outcome": entry.outcome,
            "username": entry.username,
            "details": entry.details,
            "flagged": flagged,
        },
    )
    return entry
