"""Every named URL, requested by every role and by an anonymous visitor, answers as declared."""

import importlib
import importlib.util

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import Role
from accounts.tests.helpers import force_login_verified
from patients.tests.factories import PatientFactory
from tests.access import Access

# Third-party URL groups that guard themselves: allauth's sign-in pages, Django's admin, i18n.
EXTERNAL_PREFIXES = ("account_", "admin:", "set_language", "readyz", "javascript-catalog")


def url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def declared_access() -> dict[str, Access]:
    declared = {}
    for app in ["mis", *settings.PROJECT_APPS]:
        module = f"{app}.tests.url_access"
        if importlib.util.find_spec(module):
            declared.update(importlib.import_module(module).URL_ACCESS)
    return declared


def project_url_names() -> list[str]:
    return sorted(name for name in url_names() if not name.startswith(EXTERNAL_PREFIXES))


def test_every_project_url_declares_who_may_open_it():
    missing = set(project_url_names()) - set(declared_access())
    assert not missing, f"declare these in <app>/tests/url_access.py: {sorted(missing)}"


class World:
    """What URL kwargs may refer to: the organisation tree, one user per role, a patient of theirs."""

    def __init__(self, org, make_user):
        self.org = org
        self.users = {
            role.value: make_user(role.value, department=org.departments[0] if role in (Role.DOCTOR, Role.NURSE) else None)
            for role in Role
        }
        self.patient = PatientFactory(organisation=org.organisation, site=org.sites[0], user=self.users[Role.PATIENT.value])


@pytest.fixture
def world(org, make_user):
    return World(org, make_user)


def sign_in(client: Client, user) -> Client:
    """A session as after a full sign-in: password and second factor."""
    return force_login_verified(client, user)


@pytest.mark.req("DSM80-27.5")
@pytest.mark.req("DSM80-27.6")
@pytest.mark.req("DSM80-10")
@pytest.mark.parametrize("url_name", project_url_names())
def test_url_answers_each_role_as_declared(url_name, world):
    access = declared_access().get(url_name)
    if access is None:
        pytest.fail(f"{url_name} has no declaration")
    url = reverse(url_name, kwargs=access.kwargs(world) if access.kwargs else None)
    request = lambda client: getattr(client, access.method)(url, access.data)  # noqa: E731

    outcomes = {"anonymous": (request(Client()).status_code, access.anonymous)}
    for role, user in world.users.items():
        expected = access.ok if role in access.roles else access.denied
        outcomes[role] = (request(sign_in(Client(), user)).status_code, expected)
    wrong = {who: got for who, (got, expected) in outcomes.items() if got != expected}
    assert not wrong, f"{url_name}: got {wrong}, expected { {w: e for w, (_, e) in outcomes.items()} }"
