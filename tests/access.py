"""Who may open which URL: each app declares it in `<app>/tests/url_access.py` as

    URL_ACCESS = {"patients:search": Access(roles={Role.REGISTRAR, Role.DOCTOR}), ...}

and tests/test_authorization_matrix.py requests every named URL of the project as every role and as an
anonymous visitor. A URL without a declaration fails the suite, so no page ships without a decision
about who may see it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.roles import Role

ALL_ROLES = frozenset(role.value for role in Role)
STAFF = ALL_ROLES - {Role.PATIENT.value}


@dataclass(frozen=True)
class Access:
    roles: frozenset[str] | set[str]  # roles that get `ok`
    ok: int = 200
    denied: int = 403  # a signed-in user without one of the roles (404 where existence must not leak)
    anonymous: int = 302  # redirect to sign-in for pages; 403 for the API
    kwargs: Callable[[object], dict] | None = None  # URL kwargs from the matrix's world (see the test)
    method: str = "get"
    data: dict = field(default_factory=dict)


def public(ok: int = 200) -> Access:
    return Access(roles=ALL_ROLES, ok=ok, anonymous=ok)
