"""Who counts as staff, and whether a user may work right now: bans (DSM80-22.6), working hours
(DSM80-22.1) and trusted addresses (DSM80-28.1). Used at sign-in and by the middleware on every request.
"""

from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .choices import SecurityEventType
from .networks import address_is_trusted, restricting_organisations
from .working_hours import is_within_working_hours


def is_staff_user(user) -> bool:
    """Staff: holds a staff role (RoleProfile.is_staff_role), belongs to an organisation, or is a Django
    staff or superuser. Patients hold only the patient role and no organisation."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff or user.organisation_id is not None:
        return True
    for assignment in user.active_role_assignments():
        profile = getattr(assignment.role, "profile", None)
        if profile is None or profile.is_staff_role:
            return True
    return False


def requires_second_factor(user) -> bool:
    from .mfa import has_second_factor

    return is_staff_user(user) or has_second_factor(user)


@dataclass(frozen=True)
class Refusal:
    event: str
    message: str
    details: dict = field(default_factory=dict)


def refusal_for(user, *, ip: str, at=None) -> Refusal | None:
    """Why this user may not work now from this address, or None when they may."""
    at = at or timezone.now()
    if user.is_banned(at):
        until = formats.date_format(timezone.localtime(user.banned_until), "DATETIME_FORMAT")
        message = _("Your access is suspended until %(until)s.") % {"until": until}
        if user.ban_reason:
            message += " " + _("Reason: %(reason)s") % {"reason": user.ban_reason}
        return Refusal(
            SecurityEventType.SIGN_IN_REFUSED,
            message,
            {"rule": "ban", "banned_until": user.banned_until.isoformat()},
        )
    if not is_within_working_hours(user, at):
        return Refusal(
            SecurityEventType.WORKING_HOURS_REFUSED,
            _("Access is allowed only during your working hours."),
            {"rule": "working_hours"},
        )
    if is_staff_user(user):
        organisations = restricting_organisations(user)
        if organisations and not address_is_trusted(ip, organisations):
            return Refusal(
                SecurityEventType.TRUSTED_NETWORK_REFUSED,
                _("Access from this address (%(ip)s) is not allowed for your organisation.") % {"ip": ip},
                {"rule": "trusted_network"},
            )
    return None
