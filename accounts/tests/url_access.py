from tests.access import ALL_ROLES, Access

URL_ACCESS = {
    "accounts:profile": Access(roles=ALL_ROLES),
}
