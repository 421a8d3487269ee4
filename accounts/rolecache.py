"""A user's role assignments and permissions, kept in the cache between requests.

Every signed-in request needs both (menus, the access policy, permission checks) and they change
rarely. Entries are keyed by a generation that every change of roles, role permissions, role profiles
or the organisation tree advances (the signals below), so a change holds from the very next request, in
every process. The key also carries the user's sign-up time, so that a database restored or recreated
under the same cache never meets entries of another user with the same id.
"""

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

GENERATION_KEY = "accounts:roles-generation"
TTL_SECONDS = 3600


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def _key(user) -> str:
    joined = int(user.date_joined.timestamp() * 1_000_000) if user.date_joined else 0
    return f"accounts:access:{user.pk}:{joined}:{_generation()}"


def role_access(user, load) -> dict:
    """The user's {"roles": [...], "permissions": {...}} as `load()` gives them, from the cache while
    nothing they depend on has changed; kept on the user object for the rest of the request."""
    if not hasattr(user, "_role_access"):
        key = _key(user)
        value = cache.get(key)
        if value is None:
            value = load()
            cache.set(key, value, TTL_SECONDS)
        user._role_access = value
    return user._role_access


def _advance() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or the cache was flushed): any new value is a new generation
        cache.set(GENERATION_KEY, _generation() + 1, timeout=None)


def advance(**kwargs) -> None:
    """Make every cached role and permission set stale (a signal receiver): at once, for what this
    transaction reads next, and again at its commit, for what other requests cached in between from the
    data as it was before."""
    _advance()
    transaction.on_commit(_advance)


def connect() -> None:
    from .models import Department, Organisation, RoleAssignment, RoleProfile, Site

    for model in (RoleAssignment, RoleProfile, Organisation, Department, Site, Group):
        post_save.connect(advance, sender=model, dispatch_uid=f"rolecache-save-{model.__name__}")
        post_delete.connect(advance, sender=model, dispatch_uid=f"rolecache-delete-{model.__name__}")
    m2m_changed.connect(advance, sender=Group.permissions.through, dispatch_uid="rolecache-group-permissions")
