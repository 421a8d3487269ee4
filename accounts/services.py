"""Writes of the accounts app."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Department, Organisation, RoleAssignment, Site, User
from .roles import DEFAULT_PERMISSIONS, Role


def ensure_default_roles() -> dict[str, Group]:
    """Create the built-in roles that do not exist yet, with their default permissions."""
    groups = {}
    wanted = {perm for perms in DEFAULT_PERMISSIONS.values() for perm in perms}
    available = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
        if f"{app_label}.{codename}" in wanted
    }
    for role in Role:
        group, created = Group.objects.get_or_create(name=role.value)
        if created:
            group.permissions.set([available[p] for p in DEFAULT_PERMISSIONS[role] if p in available])
        groups[role.value] = group
    return groups


@transaction.atomic
def role_assign(
    *,
    user: User,
    role: str,
    organisation: Organisation,
    department: Department | None = None,
    site: Site | None = None,
) -> RoleAssignment:
    group = Group.objects.get(name=role)
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user, role=group, organisation=organisation, department=department, site=site
    )
    return assignment
