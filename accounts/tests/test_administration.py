"""Administration pages: users (DSM80-22.2, 22.4), roles (22.3), the security journal (27.7)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts import services
from accounts.models import RoleAssignment, SecurityEvent, User
from accounts.roles import Role
from accounts.tests.factories import OrganisationFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def group(role: Role) -> Group:
    return Group.objects.get(name=role.value)


@pytest.mark.req("DSM80-22.2")
@pytest.mark.req("DSM80-22.4")
@pytest.mark.req("DSM80-22.7")
def test_the_administrator_creates_a_user_with_two_roles_and_sees_the_initial_password_once(client_as, org):
    admin = client_as(Role.ADMINISTRATOR)
    response = admin.post(
        reverse("accounts:user_create"),
        {
            "username": "aliya",
            "last_name": "Серикова",
            "first_name": "Алия",
            "middle_name": "",
            "email": "aliya@test.mis.local",
            "iin": "",
            "preferred_language": "kk",
            "unit": f"department:{org.departments[0].uuid}",
            "roles": [group(Role.DOCTOR).pk, group(Role.NURSE).pk],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="aliya")
    assert user.must_change_password and user.organisation == org.organisation
    assert sorted(user.role_names()) == ["doctor", "nurse"]
    assert all(a.department == org.departments[0] for a in user.role_assignments.all())
    page = admin.get(response["Location"])
    assert user.check_password(page.context["initial_password"])
    assert SecurityEvent.objects.filter(event="user_created", user=user, actor=admin.user).exists()
    assert SecurityEvent.objects.filter(event="role_assigned", user=user).count() == 2


@pytest.mark.req("DSM80-22.2")
def test_a_wrong_user_form_says_what_is_wrong_and_keeps_what_was_typed(client_as, org, make_user):
    admin = client_as(Role.ADMINISTRATOR)
    taken = make_user(Role.NURSE)
    response = admin.post(
        reverse("accounts:user_create"),
        {
            "username": taken.username,
            "last_name": "Серикова",
            "first_name": "",
            "email": "new@test.mis.local",
            "iin": "123456789012",
            "preferred_language": "ru",
            "unit": "site:00000000-0000-0000-0000-000000000000",
        },
        **EN,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"username", "first_name", "iin", "unit"}
    assert "already exists" in content and "valid IIN" in content and "This field is required" in content
    assert 'value="Серикова"' in content
    assert not User.objects.filter(email="new@test.mis.local").exists()


@pytest.mark.req("DSM80-22.2")
def test_the_administrator_edits_deactivates_and_deletes_a_user(client_as, make_user):
    admin = client_as(Role.ADMINISTRATOR)
    nurse = make_user(Role.NURSE)
    url = reverse("accounts:user_detail", kwargs={"uuid": nurse.uuid})
    response = admin.post(
        url,
        {
            "username": nurse.username,
            "last_name": "Касымова",
            "first_name": "Динара",
            "middle_name": "",
            "email": nurse.email,
            "iin": "",
            "preferred_language": "kk",
        },
    )
    assert response.status_code == 302
    nurse.refresh_from_db()
    assert (nurse.last_name, nurse.preferred_language) == ("Касымова", "kk")

    admin.post(reverse("accounts:user_deactivate", kwargs={"uuid": nurse.uuid}))
    nurse.refresh_from_db()
    assert not nurse.is_active
    admin.post(reverse("accounts:user_activate", kwargs={"uuid": nurse.uuid}))
    nurse.refresh_from_db()
    assert nurse.is_active

    response = admin.post(reverse("accounts:user_delete", kwargs={"uuid": nurse.uuid}))
    assert response.status_code == 302
    assert not User.objects.filter(pk=nurse.pk).exists()
    assert SecurityEvent.objects.filter(event="user_deleted", username=nurse.username).exists()


@pytest.mark.req("DSM80-22.2")
def test_removing_the_last_administrator_is_refused_saying_why(client_as, make_user):
    admin = client_as(Role.ADMINISTRATOR)
    other_admin = make_user(Role.ADMINISTRATOR)

    # With two administrators one may go; then the last one may not, in any of the ways.
    assert admin.post(reverse("accounts:user_deactivate", kwargs={"uuid": other_admin.uuid})).status_code == 302
    services.user_activate(actor=admin.user, user=other_admin)
    services.user_delete(actor=admin.user, user=other_admin)

    last = admin.user
    assignment = last.role_assignments.get()
    response = admin.post(
        reverse("accounts:user_role_remove", kwargs={"uuid": last.uuid, "assignment_uuid": assignment.uuid}),
        **EN,
    )
    assert response.status_code == 400 and "without an administrator" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.req("DSM80-22.2")
def test_the_only_administrator_cannot_be_banned_deleted_or_stripped_of_the_permission(make_user):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    admin = make_user(Role.ADMINISTRATOR)
    actor = make_user(Role.REGISTRAR)
    with pytest.raises(ValidationError, match="without an administrator"):
        services.user_ban(actor=actor, user=admin, until=timezone.now() + timezone.timedelta(days=1), reason="x")
    with pytest.raises(ValidationError, match="without an administrator"):
        services.user_delete(actor=actor, user=admin)
    administrator = group(Role.ADMINISTRATOR)
    kept = [p for p in administrator.permissions.all() if p.codename != "manage_users"]
    with pytest.raises(ValidationError, match="without an administrator"):
        services.role_update(
            actor=actor,
            role=administrator,
            name="administrator",
            permissions=kept,
            access_level="none",
            is_staff_role=True,
        )
    assert administrator.permissions.filter(codename="manage_users").exists()
    with pytest.raises(ValidationError, match="without an administrator"):
        services.role_delete(actor=actor, role=administrator, confirmed=True)


@pytest.mark.req("DSM80-22.4")
def test_the_administrator_gives_and_removes_roles_in_units(client_as, make_user, org):
    admin = client_as(Role.ADMINISTRATOR)
    doctor = make_user(Role.DOCTOR, site=org.sites[0])
    url = reverse("accounts:user_roles", kwargs={"uuid": doctor.uuid})
    response = admin.post(url, {"role": group(Role.REGISTRAR).pk, "unit": f"organisation:{org.organisation.uuid}"})
    assert response.status_code == 302
    assert doctor.role_names() == {"doctor", "registrar"}
    assignment = doctor.role_assignments.get(role__name="registrar")
    admin.post(reverse("accounts:user_role_remove", kwargs={"uuid": doctor.uuid, "assignment_uuid": assignment.uuid}))
    assert set(RoleAssignment.objects.filter(user=doctor).values_list("role__name", flat=True)) == {"doctor"}
    assert SecurityEvent.objects.filter(event="role_unassigned", user=doctor).exists()


@pytest.mark.req("DSM80-22.2")
def test_an_administrator_does_not_see_users_of_another_organisation(client_as):
    admin = client_as(Role.ADMINISTRATOR)
    elsewhere = OrganisationFactory(code="OTHER")
    stranger = User.objects.create(username="stranger", organisation=elsewhere)
    services.role_assign(user=stranger, role=Role.DOCTOR, organisation=elsewhere)
    assert admin.get(reverse("accounts:user_detail", kwargs={"uuid": stranger.uuid})).status_code == 404
    assert admin.post(reverse("accounts:user_delete", kwargs={"uuid": stranger.uuid})).status_code == 404
    assert stranger.username not in admin.get(reverse("accounts:user_list")).content.decode()


@pytest.mark.req("DSM80-22.2")
def test_the_user_list_filters_and_keeps_its_query_count(client_as, make_user, django_assert_max_num_queries):
    admin = client_as(Role.ADMINISTRATOR)
    for _ in range(15):
        make_user(Role.NURSE)
    make_user(Role.DOCTOR, last_name="Жумабаев")
    admin.get(reverse("accounts:user_list"))
    with django_assert_max_num_queries(15):  # the same for 17 users as for 1: no query per row
        response = admin.get(reverse("accounts:user_list"))
    assert response.status_code == 200 and response.content.decode().count("/staff/users/") >= 17
    filtered = admin.get(reverse("accounts:user_list"), {"q": "Жумаб"})
    assert [user.last_name for user in filtered.context["page"].object_list] == ["Жумабаев"]
    by_role = admin.get(reverse("accounts:user_list"), {"role": group(Role.DOCTOR).pk})
    assert len(by_role.context["page"].object_list) == 1


@pytest.mark.req("DSM80-22.3")
def test_the_administrator_creates_edits_and_deletes_a_role_with_its_permission_matrix(client_as):
    admin = client_as(Role.ADMINISTRATOR)
    page = admin.get(reverse("accounts:role_create"))
    assert [area["label"] for area in page.context["areas"]][:1] == ["Accounts"] or page.context["areas"]
    view_patient = Permission.objects.get(content_type__app_label="patients", codename="view_patient")
    response = admin.post(
        reverse("accounts:role_create"),
        {
            "name": "Lab technician",
            "access_level": "demographics",
            "is_staff_role": "on",
            "permissions": [view_patient.pk],
        },
    )
    assert response.status_code == 302
    role = Group.objects.get(name="Lab technician")
    assert list(role.permissions.all()) == [view_patient] and role.profile.access_level == "demographics"

    view_record = Permission.objects.get(content_type__app_label="patients", codename="view_clinical_record")
    admin.post(
        reverse("accounts:role_edit", kwargs={"pk": role.pk}),
        {
            "name": "Laboratory",
            "access_level": "clinical_summary",
            "is_staff_role": "on",
            "permissions": [view_patient.pk, view_record.pk],
        },
    )
    role.refresh_from_db()
    assert role.name == "Laboratory" and role.permissions.count() == 2
    change = SecurityEvent.objects.get(event="role_changed")
    assert change.details["permissions_added"] == ["patients.view_clinical_record"]

    duplicate = admin.post(reverse("accounts:role_create"), {"name": "laboratory", "access_level": "none"}, **EN)
    assert "already exists" in duplicate.content.decode()

    assert admin.post(reverse("accounts:role_delete", kwargs={"pk": role.pk})).status_code == 302
    assert not Group.objects.filter(pk=role.pk).exists()


@pytest.mark.req("DSM80-22.3")
def test_a_role_in_use_is_deleted_only_after_a_confirmation_that_names_its_holders(client_as, make_user):
    admin = client_as(Role.ADMINISTRATOR)
    role = services.role_create(actor=admin.user, name="Dietitian", permissions=[])
    holder = make_user(Role.NURSE, last_name="Байжанова", first_name="Сауле")
    services.role_assign(user=holder, role=role, organisation=holder.organisation)
    url = reverse("accounts:role_delete", kwargs={"pk": role.pk})

    page = admin.get(url)
    assert "Байжанова" in page.content.decode()
    refused = admin.post(url, {}, **EN)
    assert refused.status_code == 400 and "Байжанова" in refused.content.decode()
    assert Group.objects.filter(pk=role.pk).exists()

    assert admin.post(url, {"confirm": "on"}).status_code == 302
    assert not Group.objects.filter(pk=role.pk).exists()
    assert holder.role_names() == {"nurse"}
    assert SecurityEvent.objects.get(event="role_deleted").details["holders"] == [holder.username]


@pytest.mark.req("DSM80-27.7")
def test_the_security_journal_filters_by_user_event_and_period(client_as, make_user, django_assert_max_num_queries):
    from accounts.journal import security_event

    officer = client_as(Role.AUDITOR)
    doctor = make_user(Role.DOCTOR, last_name="Ахметова")
    for _ in range(30):
        security_event(event="sign_in_failed", outcome="failure", user=doctor)
    security_event(event="sign_in", user=doctor)
    url = reverse("accounts:security_events")
    officer.get(url)
    with django_assert_max_num_queries(12):
        response = officer.get(url, {"user": "Ахмет", "event": "sign_in_failed"})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 30 and {e.event for e in page.object_list} == {"sign_in_failed"}
    assert officer.get(url, {"date_from": "2001-01-01", "date_to": "2001-01-02"}).context["page"].paginator.count == 0
    bad = officer.get(url, {"date_from": "2030-01-02", "date_to": "2030-01-01"}, **EN)
    assert "ends before it starts" in bad.content.decode()


@pytest.mark.req("DSM80-27.5")
def test_a_page_refused_for_lack_of_a_role_says_why(client_as):
    response = client_as(Role.DOCTOR).get(reverse("accounts:user_list"), **EN)
    assert response.status_code == 403
    assert "Your roles do not allow this page." in response.content.decode()


@pytest.mark.django_db
def test_default_permissions_of_a_new_app_reach_existing_roles_but_removed_ones_stay_removed(org):
    from django.contrib.auth.models import Group

    from accounts.services import ensure_default_roles

    registrar = Group.objects.get(name="registrar")
    assert registrar.permissions.filter(codename="add_appointment").exists()
    registrar.permissions.remove(*registrar.permissions.filter(codename="add_appointment"))
    profile = registrar.profile
    profile.offered_defaults = [p for p in profile.offered_defaults if p != "scheduling.add_schedule"]
    profile.save()
    registrar.permissions.remove(*registrar.permissions.filter(codename="add_schedule"))

    ensure_default_roles()
    assert not registrar.permissions.filter(codename="add_appointment").exists()  # the administrator's choice
    assert registrar.permissions.filter(codename="add_schedule").exists()  # new in the defaults: given once
