"""Reads of the accounts app, each starting from what the user may see."""

import datetime

from django.contrib.auth.models import Group
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import RoleAssignment, SecurityEvent
from .permissions import administered_organisations, users_visible_to


def user_list(actor, *, q: str = "", role: Group | None = None, status: str = "") -> QuerySet:
    users = users_visible_to(actor)
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(last_name__icontains=q)
            | Q(first_name__icontains=q)
            | Q(email__icontains=q)
            | Q(iin__startswith=q)
        )
    if role is not None:
        users = users.filter(pk__in=RoleAssignment.objects.filter(role=role).values("user_id"))
    now = timezone.now()
    if status == "active":
        users = users.filter(is_active=True).exclude(banned_until__gt=now)
    elif status == "inactive":
        users = users.filter(is_active=False)
    elif status == "banned":
        users = users.filter(banned_until__gt=now)
    return (
        users.select_related("organisation")
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.select_related("role", "organisation", "department", "site").order_by("pk"),
            )
        )
        .order_by("last_name", "first_name", "username")
    )


def user_role_assignments(actor, user) -> list[RoleAssignment]:
    """The user's roles, with a flag for those in units the administrator manages."""
    managed = {organisation.pk for organisation in administered_organisations(actor)}
    assignments = list(user.role_assignments.select_related("role", "organisation", "department", "site").order_by("pk"))
    for assignment in assignments:
        assignment.manageable = assignment.organisation_id in managed
    return assignments


def role_list() -> QuerySet:
    return (
        Group.objects.select_related("profile")
        .annotate(
            holder_count=Count("role_assignments__user", distinct=True),
            permission_count=Count("permissions", distinct=True),
        )
        .order_by("name")
    )


def security_events(
    *,
    user: str = "",
    event: str = "",
    outcome: str = "",
    date_from=None,
    date_to=None,
    flagged: bool = False,
    tz=None,
) -> QuerySet:
    events = SecurityEvent.objects.select_related("user", "actor", "reviewed_by")
    if user:
        events = events.filter(
            Q(username__icontains=user) | Q(user__last_name__icontains=user) | Q(actor_name__icontains=user)
        )
    if event:
        events = events.filter(event=event)
    if outcome:
        events = events.filter(outcome=outcome)
    tz = tz or timezone.get_current_timezone()
    if date_from:
        events = events.filter(created_at__gte=datetime.datetime.combine(date_from, datetime.time.min, tz))
    if date_to:
        events = events.filter(
            created_at__lt=datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tz)
        )
    if flagged:
        events = events.filter(flagged=True)
    return events.order_by("-created_at", "-id")


def unreviewed_flag_count() -> int:
    return SecurityEvent.objects.filter(flagged=True, reviewed_at__isnull=True).count()
