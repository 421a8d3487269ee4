"""Writes of the accounts app: users, roles, working hours, bans, passwords, trusted addresses,
emergency access. Each is one transaction that journals its security event inside it."""

import datetime
import secrets

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import AccessLevel, SecurityEventType
from .journal import security_event
from .models import (
    Department,
    EmergencyAccess,
    Organisation,
    RoleAssignment,
    RoleProfile,
    SecurityEvent,
    Site,
    TrustedNetwork,
    User,
    WorkingHours,
    WorkingHoursException,
)
from .networks import address_in_networks, parse_network
from .passwords import generate_initial_password, remember_password
from .roles import DEFAULT_ACCESS_LEVELS, DEFAULT_PERMISSIONS, Role

MANAGE_USERS = ("accounts", "manage_users")


# --- Roles ------------------------------------------------------------------------------------------
def ensure_default_roles() -> dict[str, Group]:
    """Create the built-in roles that do not exist yet, give them the default permissions they have not been
    offered before (so a newly installed app's permissions arrive), and give every role a profile."""
    groups = {}
    wanted = {perm for perms in DEFAULT_PERMISSIONS.values() for perm in perms}
    available = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
        if f"{app_label}.{codename}" in wanted
    }
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        profile, _created = RoleProfile.objects.get_or_create(
            role=group,
            defaults={"access_level": DEFAULT_ACCESS_LEVELS[role], "is_staff_role": role != Role.PATIENT},
        )
        new = [p for p in DEFAULT_PERMISSIONS[role] if p in available and p not in profile.offered_defaults]
        if new:
            group.permissions.add(*[available[p] for p in new])
            profile.offered_defaults = sorted({*profile.offered_defaults, *new})
            profile.save(update_fields=["offered_defaults", "updated_at"])
        groups[role.value] = group
    for group in Group.objects.filter(profile__isnull=True):
        RoleProfile.objects.create(role=group)
    return groups


def _admin_permission() -> Permission:
    return Permission.objects.get(content_type__app_label=MANAGE_USERS[0], codename=MANAGE_USERS[1])


def _ensure_an_administrator_remains(
    organisations, *, without_user=None, without_assignment=None, without_role=None
) -> None:
    """Refuse a change that would leave an organisation with no active administrator."""
    permission = _admin_permission()
    now = timezone.now()
    for organisation in organisations:
        remaining = RoleAssignment.objects.filter(
            organisation=organisation, role__permissions=permission, user__is_active=True
        ).exclude(user__banned_until__gt=now)
        if without_user is not None:
            remaining = remaining.exclude(user=without_user)
        if without_assignment is not None:
            remaining = remaining.exclude(pk=without_assignment.pk)
        if without_role is not None:
            remaining = remaining.exclude(role=without_role)
        if not remaining.exists():
            raise ValidationError(
                _(
                    "This would leave %(organisation)s without an administrator. Give another user the "
                    "administrator role first."
                )
                % {"organisation": organisation},
                code="last_administrator",
            )


def _administered_by(user) -> list[Organisation]:
    """The organisations in which this user is an administrator."""
    permission = _admin_permission()
    ids = RoleAssignment.objects.filter(user=user, role__permissions=permission).values("organisation_id")
    return list(Organisation.objects.filter(pk__in=ids))


def _role_holders(role: Group) -> list[Organisation]:
    return list(Organisation.objects.filter(role_assignments__role=role).distinct())


@transaction.atomic
def role_create(*, actor, name: str, permissions, access_level: str = AccessLevel.NONE, is_staff_role: bool = True) -> Group:
    if Group.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("A role with this name already exists.")})
    group = Group.objects.create(name=name)
    group.permissions.set(permissions)
    RoleProfile.objects.create(role=group, access_level=access_level, is_staff_role=is_staff_role)
    security_event(
        event=SecurityEventType.ROLE_CREATED,
        actor=actor,
        details={
            "role": name,
            "permissions": _codenames(permissions),
            "access_level": access_level,
            "staff": is_staff_role,
        },
    )
    return group


def _codenames(permissions) -> list[str]:
    return sorted(
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(pk__in=[getattr(p, "pk", p) for p in permissions]).select_related("content_type")
    )


@transaction.atomic
def role_update(*, actor, role: Group, name: str, permissions, access_level: str, is_staff_role: bool) -> Group:
    if Group.objects.filter(name__iexact=name).exclude(pk=role.pk).exists():
        raise ValidationError({"name": _("A role with this name already exists.")})
    before = set(_codenames(role.permissions.all()))
    after = set(_codenames(permissions))
    admin = ".".join(MANAGE_USERS)
    if admin in before and admin not in after:
        _ensure_an_administrator_remains(_role_holders(role), without_role=role)
    profile, _created = RoleProfile.objects.get_or_create(role=role)
    changes = {}
    if role.name != name:
        changes["name"] = [role.name, name]
    if before != after:
        changes["permissions_added"] = sorted(after - before)
        changes["permissions_removed"] = sorted(before - after)
    if profile.access_level != access_level:
        changes["access_level"] = [profile.access_level, access_level]
    if profile.is_staff_role != is_staff_role:
        changes["staff"] = [profile.is_staff_role, is_staff_role]
    role.name = name
    role.save()
    role.permissions.set(permissions)
    profile.access_level, profile.is_staff_role = access_level, is_staff_role
    profile.save()
    if changes:
        security_event(event=SecurityEventType.ROLE_CHANGED, actor=actor, details={"role": name, **changes})
    return role


def role_holders(role: Group) -> list[User]:
    return list(User.objects.filter(role_assignments__role=role).distinct().order_by("last_name", "first_name"))


@transaction.atomic
def role_delete(*, actor, role: Group, confirmed: bool = False) -> None:
    """Delete a role. A role that users hold is deleted only when `confirmed` (the page names them)."""
    holders = role_holders(role)
    if holders and not confirmed:
        names = ", ".join(user.get_full_name() or user.get_username() for user in holders)
        raise ValidationError(
            ngettext(
                "The role is held by %(count)d user: %(names)s. Confirm to remove it from them.",
                "The role is held by %(count)d users: %(names)s. Confirm to remove it from them.",
                len(holders),
            )
            % {"count": len(holders), "names": names},
            code="role_in_use",
        )
    _ensure_an_administrator_remains(_role_holders(role), without_role=role)
    name = role.name
    RoleAssignment.objects.filter(role=role).delete()
    role.delete()
    security_event(
        event=SecurityEventType.ROLE_DELETED,
        actor=actor,
        details={"role": name, "holders": [user.get_username() for user in holders]},
    )


@transaction.atomic
def role_assign(
    *,
    user: User,
    role: str | Group,
    organisation: Organisation,
    department: Department | None = None,
    site: Site | None = None,
    actor=None,
) -> RoleAssignment:
    """Give the user a role in a unit. Journaled when an actor (an administrator) does it."""
    group = role if isinstance(role, Group) else Group.objects.get(name=role)
    if site is not None:
        department = site.department
    if department is not None and department.organisation_id != organisation.pk:
        raise ValidationError(_("The department does not belong to this organisation."))
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=group, organisation=organisation, department=department, site=site
    )
    if created and actor is not None:
        security_event(
            event=SecurityEventType.ROLE_ASSIGNED,
            user=user,
            actor=actor,
            details={"role": group.name, "unit": str(site or department or organisation)},
        )
    return assignment


@transaction.atomic
def role_unassign(*, actor, assignment: RoleAssignment) -> None:
    if assignment.role.permissions.filter(pk=_admin_permission().pk).exists():
        _ensure_an_administrator_remains([assignment.organisation], without_assignment=assignment)
    details = {
        "role": assignment.role.name,
        "unit": str(assignment.site or assignment.department or assignment.organisation),
    }
    user = assignment.user
    assignment.delete()
    security_event(event=SecurityEventType.ROLE_UNASSIGNED, user=user, actor=actor, details=details)


# --- Users ------------------------------------------------------------------------------------------
USER_FIELDS = ("username", "last_name", "first_name", "middle_name", "email", "iin", "preferred_language")


@transaction.atomic
def user_create(*, actor, organisation: Organisation, roles=(), department=None, site=None, **fields) -> tuple[User, str]:
    """Create a user with a generated initial password that must be changed at first sign-in
    (DSM80-22.7); the roles are given in the chosen unit. Returns the user and the password, which the
    page shows once and nothing keeps."""
    groups = list(roles)
    staff = any(getattr(getattr(group, "profile", None), "is_staff_role", True) for group in groups) or not groups
    password = generate_initial_password()
    user = User(
        organisation=organisation if staff else None,
        must_change_password=True,
        **{name: value for name, value in fields.items() if name in USER_FIELDS},
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    remember_password(user)
    security_event(
        event=SecurityEventType.USER_CREATED,
        user=user,
        actor=actor,
        details={"organisation": organisation.code, "roles": [group.name for group in groups]},
    )
    for group in groups:
        role_assign(user=user, role=group, organisation=organisation, department=department, site=site, actor=actor)
    return user, password


@transaction.atomic
def user_update(*, actor, user: User, **fields) -> User:
    changes = {}
    for name, value in fields.items():
        if name in USER_FIELDS and getattr(user, name) != value:
            changes[name] = [getattr(user, name), value]
            setattr(user, name, value)
    if changes:
        user.full_clean(exclude=["password"])
        user.save()
        security_event(event=SecurityEventType.USER_CHANGED, user=user, actor=actor, details={"fields": sorted(changes)})
    return user


def _rotate_sessions(user: User) -> None:
    user.session_token = secrets.token_hex(16)


@transaction.atomic
def user_deactivate(*, actor, user: User) -> User:
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("You cannot deactivate your own account."))
    _ensure_an_administrator_remains(_administered_by(user), without_user=user)
    user.is_active = False
    _rotate_sessions(user)
    user.save(update_fields=["is_active", "session_token"])
    security_event(event=SecurityEventType.USER_DEACTIVATED, user=user, actor=actor)
    return user


@transaction.atomic
def user_activate(*, actor, user: User) -> User:
    user.is_active = True
    user.save(update_fields=["is_active"])
    security_event(event=SecurityEventType.USER_ACTIVATED, user=user, actor=actor)
    return user


@transaction.atomic
def user_delete(*, actor, user: User) -> None:
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("You cannot delete your own account."))
    _ensure_an_administrator_remains(_administered_by(user), without_user=user)
    username, user_id = user.get_username(), user.pk
    try:
        with transaction.atomic():
            user.delete()
    except ProtectedError:
        raise ValidationError(
            _("This user's name is on medical or journal records, so the account cannot be deleted. Deactivate it instead."),
            code="protected",
        ) from None
    security_event(event=SecurityEventType.USER_DELETED, actor=actor, username=username, details={"user_id": user_id})


@transaction.atomic
def user_ban(*, actor, user: User, until: datetime.datetime, reason: str) -> User:
    """Suspend the user's access until a moment, with a reason (DSM80-22.6); every session ends."""
    if until <= timezone.now():
        raise ValidationError({"until": _("The end of the ban must be in the future.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the ban.")})
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("You cannot ban yourself."))
    _ensure_an_administrator_remains(_administered_by(user), without_user=user)
    user.banned_until, user.ban_reason = until, reason.strip()
    _rotate_sessions(user)
    user.save(update_fields=["banned_until", "ban_reason", "session_token"])
    security_event(
        event=SecurityEventType.BANNED,
        user=user,
        actor=actor,
        details={"until": until.isoformat(), "reason": user.ban_reason},
    )
    return user


@transaction.atomic
def user_unban(*, actor, user: User) -> User:
    details = {
        "until": user.banned_until.isoformat() if user.banned_until else None,
        "reason": user.ban_reason,
    }
    user.banned_until, user.ban_reason = None, ""
    user.save(update_fields=["banned_until", "ban_reason"])
    security_event(event=SecurityEventType.UNBANNED, user=user, actor=actor, details=details)
    return user


@transaction.atomic
def user_password_reset(*, actor, user: User) -> str:
    """Give the user a new generated password that must be changed at the next sign-in (DSM80-22.8).
    Every session of theirs ends."""
    password = generate_initial_password()
    user.set_password(password)
    user.must_change_password = True
    _rotate_sessions(user)
    user.save(update_fields=["password", "must_change_password", "session_token"])
    remember_password(user)
    security_event(event=SecurityEventType.PASSWORD_RESET, user=user, actor=actor)
    return password


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """The user's own password change; the caller has validated the password (validators, history)."""
    forced = user.must_change_password
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    remember_password(user)
    security_event(event=SecurityEventType.PASSWORD_CHANGED, user=user, actor=user, details={"initial": forced})
    return user


@transaction.atomic
def sessions_end_all(*, actor, user: User) -> None:
    """Sign the user out of every session (their own "sign out everywhere")."""
    _rotate_sessions(user)
    user.save(update_fields=["session_token"])
    security_event(event=SecurityEventType.SIGN_OUT_EVERYWHERE, user=user, actor=actor)


# --- Working hours ----------------------------------------------------------------------------------
@transaction.atomic
def working_hours_set(*, actor, user: User, restricted: bool, weekly, exceptions) -> None:
    """Replace the user's weekly windows [(weekday, start, end)] and dated exceptions
    [(date, start|None, end|None, reason)] (DSM80-22.1)."""
    for _weekday, start, end in weekly:
        if start == end:
            raise ValidationError(_("A working window must not start and end at the same time."))
    for _day, start, end, _reason in exceptions:
        if (start is None) != (end is None) or (start is not None and start == end):
            raise ValidationError(_("An exception has both times (other hours) or neither (a day off)."))
    if restricted and not weekly and not exceptions:
        raise ValidationError(_("Add at least one working window before restricting sign-in to them."))
    user.working_hours.all().delete()
    user.working_hours_exceptions.all().delete()
    WorkingHours.objects.bulk_create(
        [WorkingHours(user=user, weekday=weekday, start=start, end=end) for weekday, start, end in weekly]
    )
    WorkingHoursException.objects.bulk_create(
        [
            WorkingHoursException(user=user, date=day, start=start, end=end, reason=reason)
            for day, start, end, reason in exceptions
        ]
    )
    user.working_hours_restricted = restricted
    user.save(update_fields=["working_hours_restricted"])
    security_event(
        event=SecurityEventType.WORKING_HOURS_CHANGED,
        user=user,
        actor=actor,
        details={
            "restricted": restricted,
            "weekly": [[weekday, start.isoformat("minutes"), end.isoformat("minutes")] for weekday, start, end in weekly],
            "exceptions": [
                [
                    day.isoformat(),
                    start.isoformat("minutes") if start else None,
                    end.isoformat("minutes") if end else None,
                ]
                for day, start, end, _r in exceptions
            ],
        },
    )


# --- Trusted addresses ------------------------------------------------------------------------------
@transaction.atomic
def trusted_network_add(*, actor, organisation: Organisation, network: str, description: str = "") -> TrustedNetwork:
    try:
        normalised = str(parse_network(network))
    except ValueError:
        raise ValidationError({"network": _("Enter an address or a range such as 10.0.0.0/24 or 2001:db8::/32.")}) from None
    if organisation.trusted_networks.filter(network=normalised).exists():
        raise ValidationError({"network": _("This range is already on the list.")})
    entry = TrustedNetwork.objects.create(organisation=organisation, network=normalised, description=description)
    security_event(
        event=SecurityEventType.TRUSTED_NETWORKS_CHANGED,
        actor=actor,
        details={"organisation": organisation.code, "added": normalised},
    )
    return entry


@transaction.atomic
def trusted_network_remove(*, actor, entry: TrustedNetwork, actor_ip: str) -> None:
    organisation = entry.organisation
    if organisation.restrict_to_trusted_networks:
        remaining = list(organisation.trusted_networks.exclude(pk=entry.pk))
        if not _ip_in(actor_ip, remaining):
            raise ValidationError(
                _("Removing this range would lock you out: your address %(ip)s would no longer be trusted.")
                % {"ip": actor_ip}
            )
    network = entry.network
    entry.delete()
    security_event(
        event=SecurityEventType.TRUSTED_NETWORKS_CHANGED,
        actor=actor,
        details={"organisation": organisation.code, "removed": network},
    )


def _ip_in(address: str, entries) -> bool:
    return address_in_networks(address, [entry.network for entry in entries])


@transaction.atomic
def trusted_networks_switch(*, actor, organisation: Organisation, enabled: bool, actor_ip: str) -> Organisation:
    """Switch the trusted-address restriction on or off (DSM80-28.1). Switching it on from an address
    that is not on the list is refused, so an administrator cannot lock themself out."""
    if enabled and not _ip_in(actor_ip, organisation.trusted_networks.all()):
        raise ValidationError(
            _("Your address %(ip)s is not on the list: add its range first, or you would lock yourself out.")
            % {"ip": actor_ip}
        )
    organisation.restrict_to_trusted_networks = enabled
    organisation.save(update_fields=["restrict_to_trusted_networks"])
    security_event(
        event=SecurityEventType.TRUSTED_NETWORKS_CHANGED,
        actor=actor,
        details={"organisation": organisation.code, "enabled": enabled},
    )
    return organisation


# --- Emergency access -------------------------------------------------------------------------------
EMERGENCY_ACCESS_MINUTES = 60


@transaction.atomic
def emergency_access_grant(*, actor, patient, reason: str, minutes: int = EMERGENCY_ACCESS_MINUTES) -> EmergencyAccess:
    """Break the glass: open this patient's full record to the actor for a limited time. The reason is
    required; the use is journaled in the audit journal (action break_the_glass) and in the security
    journal flagged for the security officer."""
    from audit.services import record

    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Describe the emergency in at least 10 characters.")})
    if not 1 <= minutes <= 24 * 60:
        raise ValidationError({"minutes": _("Emergency access lasts from 1 minute to 24 hours.")})
    grant = EmergencyAccess.objects.create(
        user=actor,
        patient=patient,
        reason=reason,
        expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
    )
    record(
        actor=actor,
        action="break_the_glass",
        patient=patient,
        obj=grant,
        reason=reason,
        fields={"expires_at": grant.expires_at.isoformat()},
    )
    security_event(
        event=SecurityEventType.BREAK_THE_GLASS,
        user=actor,
        actor=actor,
        flagged=True,
        details={"patient": str(patient.uuid), "reason": reason, "minutes": minutes},
    )
    return grant


@transaction.atomic
def security_event_review(*, actor, event: SecurityEvent) -> SecurityEvent:
    """The security officer marks a flagged event as seen."""
    if event.reviewed_at is None:
        event.reviewed_at, event.reviewed_by = timezone.now(), actor
        event.save(update_fields=["reviewed_at", "reviewed_by"])
    return event
