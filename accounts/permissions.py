"""Who may administer whom. Roles are global; users, working hours, bans and trusted addresses are
administered within the organisations where the administrator holds a role with the permission."""

from django.db.models import Q, QuerySet

from .models import Organisation, RoleAssignment, User


def administered_organisations(user, permission: str = "accounts.manage_users") -> list[Organisation]:
    if not user.is_authenticated or not user.has_perm(permission):
        return []
    if user.is_superuser:
        return list(Organisation.objects.order_by("code"))
    app_label, codename = permission.split(".")
    ids = RoleAssignment.objects.filter(
        user=user, role__permissions__content_type__app_label=app_label, role__permissions__codename=codename
    ).values("organisation_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("code"))


def users_visible_to(actor) -> QuerySet:
    """The users an administrator may see and manage: those of their organisations, by membership or by a
    role held there."""
    organisations = administered_organisations(actor)
    if not organisations:
        return User.objects.none()
    ids = [organisation.pk for organisation in organisations]
    held_there = RoleAssignment.objects.filter(organisation_id__in=ids).values("user_id")
    return User.objects.filter(Q(organisation_id__in=ids) | Q(pk__in=held_there))


def can_manage_users(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.manage_users")


def can_manage_roles(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.manage_roles")


def can_view_security_events(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.view_security_events")


def can_manage_trusted_networks(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.manage_trusted_networks")


def can_use_emergency_access(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.use_emergency_access")
