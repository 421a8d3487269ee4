from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccessLevel(models.TextChoices):
    """How much of a patient's personal medical data a role opens (DSM80-10), from least to most."""

    NONE = "none", pgettext_lazy("access level", "No access")
    DEMOGRAPHICS = "demographics", _("Demographics only")
    CLINICAL_SUMMARY = "clinical_summary", _("Clinical summary")
    FULL_RECORD = "full_record", _("Full record")


# The order of the levels, spelled out rather than derived from database values.
ACCESS_LEVEL_ORDER: dict[str, int] = {
    AccessLevel.NONE: 0,
    AccessLevel.DEMOGRAPHICS: 1,
    AccessLevel.CLINICAL_SUMMARY: 2,
    AccessLevel.FULL_RECORD: 3,
}


def level_covers(granted: str | None, wanted: str) -> bool:
    """True when a grant of level `granted` opens data of level `wanted`."""
    if not granted:
        return False
    return ACCESS_LEVEL_ORDER[granted] >= ACCESS_LEVEL_ORDER[wanted] > 0


def highest_level(levels) -> str:
    best = AccessLevel.NONE
    for level in levels:
        if level and ACCESS_LEVEL_ORDER[level] > ACCESS_LEVEL_ORDER[best]:
            best = AccessLevel(level)
    return best


class SecurityEventType(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign-in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    SIGN_IN_REFUSED = "sign_in_refused", _("Sign-in refused")
    SIGN_OUT = "sign_out", _("Sign-out")
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere", _("Signed out everywhere")
    MFA_VERIFIED = "mfa_verified", _("Second factor accepted")
    MFA_FAILED = "mfa_failed", _("Second factor rejected")
    MFA_ENROLLED = "mfa_enrolled", _("Second factor enrolled")
    MFA_BACKUP_CODES = "mfa_backup_codes", _("Backup codes issued")
    LOCKED_OUT = "locked_out", _("Locked out")
    BANNED = "banned", _("Banned")
    UNBANNED = "unbanned", _("Ban lifted")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    PASSWORD_REJECTED = "password_rejected", _("Password rejected")
    USER_CREATED = "user_created", _("User created")
    USER_CHANGED = "user_changed", _("User changed")
    USER_DEACTIVATED = "user_deactivated", _("User deactivated")
    USER_ACTIVATED = "user_activated", _("User activated")
    USER_DELETED = "user_deleted", _("User deleted")
    ROLE_ASSIGNED = "role_assigned", _("Role assigned")
    ROLE_UNASSIGNED = "role_unassigned", _("Role removed from user")
    ROLE_CREATED = "role_created", _("Role created")
    ROLE_CHANGED = "role_changed", _("Role or permissions changed")
    ROLE_DELETED = "role_deleted", _("Role deleted")
    WORKING_HOURS_CHANGED = "working_hours_changed", _("Working hours changed")
    WORKING_HOURS_REFUSED = "working_hours_refused", _("Refused outside working hours")
    TRUSTED_NETWORKS_CHANGED = "trusted_networks_changed", _("Trusted addresses changed")
    TRUSTED_NETWORK_REFUSED = "trusted_network_refused", _("Refused from an untrusted address")
    BREAK_THE_GLASS = "break_the_glass", _("Emergency access")
    AUDIT_CHAIN_BROKEN = "audit_chain_broken", _("Audit journal integrity broken")
    EMERGENCY_VISIT = "emergency_visit", _("Visit without an appointment (emergency)")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    REFUSED = "refused", _("Refused")
