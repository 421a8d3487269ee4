"""Roles and permissions are cached between requests, and every change holds from the next request."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import RoleAssignment
from accounts.roles import Role
from accounts.services import role_unassign, role_update


@pytest.mark.req("DSM80-27.6")
def test_a_removed_role_is_refused_on_the_next_request(client_as, make_user):
    client = client_as(Role.REGISTRAR)
    administrator = make_user(Role.ADMINISTRATOR)
    assert client.get("/scheduling/").status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/scheduling/").status_code == 200
    assert not any("accounts_roleassignment" in q["sql"] for q in warm.captured_queries)  # from the cache

    role_unassign(actor=administrator, assignment=RoleAssignment.objects.get(user=client.user))
    assert client.get("/scheduling/").status_code == 403


@pytest.mark.req("DSM80-27.6")
def test_a_permission_taken_from_a_role_is_refused_on_the_next_request(client_as, make_user):
    client = client_as(Role.REGISTRAR)
    administrator = make_user(Role.ADMINISTRATOR)
    assert client.get("/scheduling/schedules/").status_code == 200
    role = RoleAssignment.objects.get(user=client.user).role
    kept = Permission.objects.filter(group=role).exclude(codename="change_schedule")
    role_update(
        actor=administrator,
        role=role,
        name=role.name,
        permissions=kept,
        access_level=role.profile.access_level,
        is_staff_role=True,
    )
    assert client.get("/scheduling/schedules/").status_code == 403
    assert client.get("/scheduling/").status_code == 200  # what the role still has
