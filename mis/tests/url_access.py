from tests.access import ALL_ROLES, Access, public

URL_ACCESS = {
    "home": Access(roles=ALL_ROLES),
    "healthz": public(),
    "bench_trivial": public(),
    "api:me": Access(roles=ALL_ROLES, anonymous=403),
    "api_schema": Access(roles=ALL_ROLES, anonymous=403),
}
