"""Access to a patient's data (DSM80-10): roles by unit, relations, levels, break-the-glass."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.access import (
    access_level_for,
    can_access_patient,
    patients_visible_to,
    register_patient_relation,
    require_patient_access,
    unregister_patient_relation,
)
from accounts.choices import AccessLevel
from accounts.models import EmergencyAccess, RoleProfile, SecurityEvent
from accounts.roles import Role
from audit.models import AuditEntry
from patients.tests.factories import PatientFactory

FULL, SUMMARY, DEMOGRAPHICS = AccessLevel.FULL_RECORD, AccessLevel.CLINICAL_SUMMARY, AccessLevel.DEMOGRAPHICS


@pytest.fixture
def patients(org):
    """A patient on each of the four sites, and one attached to no site."""
    on_sites = [PatientFactory(organisation=org.organisation, site=site) for site in org.sites]
    return on_sites + [PatientFactory(organisation=org.organisation, site=None)]


@pytest.mark.req("DSM80-10")
@pytest.mark.req("DSM80-27.6")
def test_a_doctor_of_another_site_is_refused_the_patients_chart(make_user, org, patients):
    own_site_doctor = make_user(Role.DOCTOR, site=org.sites[0])
    other_site_doctor = make_user(Role.DOCTOR, site=org.sites[1])
    patient = patients[0]

    assert can_access_patient(own_site_doctor, patient, FULL)
    require_patient_access(own_site_doctor, patient, FULL)
    assert not can_access_patient(other_site_doctor, patient, DEMOGRAPHICS)
    with pytest.raises(Http404):
        require_patient_access(other_site_doctor, patient, FULL)
    assert list(patients_visible_to(other_site_doctor)) == [patients[1]]


@pytest.mark.req("DSM80-27.6")
def test_a_role_on_a_department_covers_its_sites_and_one_on_the_organisation_covers_all(make_user, org, patients):
    therapist = make_user(Role.DOCTOR, department=org.departments[0])
    assert set(patients_visible_to(therapist)) == {patients[0], patients[1]}
    registrar = make_user(Role.REGISTRAR)  # the whole organisation
    assert set(patients_visible_to(registrar)) == set(patients)


@pytest.mark.req("DSM80-10")
def test_access_levels_follow_the_role_and_an_administrator_can_change_them(make_user, org, patients):
    patient = patients[0]
    registrar = make_user(Role.REGISTRAR)
    nurse = make_user(Role.NURSE, department=org.departments[0])
    administrator = make_user(Role.ADMINISTRATOR)

    assert access_level_for(registrar, patient) == DEMOGRAPHICS
    assert access_level_for(nurse, patient) == SUMMARY
    assert access_level_for(administrator, patient) == AccessLevel.NONE
    with pytest.raises(PermissionDenied):  # sees the patient, not their record: 403, not 404
        require_patient_access(registrar, patient, FULL)
    assert not patients_visible_to(registrar, SUMMARY).exists()

    profile = RoleProfile.objects.get(role__name=Role.REGISTRAR)
    profile.access_level = SUMMARY
    profile.save()  # as the role page does; every user's cached roles go stale
    registrar = type(registrar).objects.get(pk=registrar.pk)  # the roles are cached on the instance
    assert access_level_for(registrar, patient) == SUMMARY


@pytest.mark.req("DSM80-10")
def test_the_patient_sees_their_own_record_and_no_one_elses(make_user, org, patients):
    user = make_user(Role.PATIENT)
    own = PatientFactory(organisation=org.organisation, site=org.sites[2], user=user)
    assert can_access_patient(user, own, FULL)
    assert list(patients_visible_to(user, FULL)) == [own]
    assert not can_access_patient(user, patients[0], DEMOGRAPHICS)


@pytest.mark.req("DSM80-10")
def test_apps_extend_access_through_registered_relations(make_user, org, patients):
    """How scheduling adds the treating clinician and patients adds legal representatives."""
    consultant = make_user(Role.DOCTOR, site=org.sites[3])
    relative = make_user(Role.PATIENT)
    patient = patients[0]
    register_patient_relation("test_treating", lambda user: Q(pk=patient.pk) if user == consultant else Q(pk__in=[]))
    register_patient_relation(
        "test_representative", lambda user: Q(pk=patient.pk) if user == relative else Q(pk__in=[]), level=FULL
    )
    try:
        assert access_level_for(consultant, patient) == FULL  # the consultant's own role level
        assert patient in patients_visible_to(consultant, FULL)
        assert can_access_patient(relative, patient, FULL)
        assert not can_access_patient(relative, patients[1], DEMOGRAPHICS)
    finally:
        unregister_patient_relation("test_treating")
        unregister_patient_relation("test_representative")
    assert not can_access_patient(consultant, patient)


@pytest.mark.req("DSM80-10")
def test_visible_patients_take_one_query_and_come_once(make_user, org, patients, django_assert_num_queries):
    doctor = make_user(Role.DOCTOR, department=org.departments[0])
    doctor.active_role_assignments()
    register_patient_relation("test_twice", lambda user: Q(site__department=org.departments[0]))
    try:
        with django_assert_num_queries(1):
            visible = list(patients_visible_to(doctor, FULL))
    finally:
        unregister_patient_relation("test_twice")
    assert sorted(p.pk for p in visible) == sorted([patients[0].pk, patients[1].pk])


@pytest.mark.req("DSM80-10")
@pytest.mark.req("DSM80-27.7")
def test_break_the_glass_opens_the_record_for_a_while_and_is_journaled_and_flagged(client_as, org, patients):
    client = client_as(Role.DOCTOR, site=org.sites[0])
    doctor = client.user
    stranger = patients[3]  # attached to a paediatric site
    assert not can_access_patient(doctor, stranger, FULL)

    url = reverse("accounts:emergency_access", kwargs={"uuid": stranger.uuid})
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "short", "minutes": "30"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "at least 10 characters" in response.content.decode()
    assert not EmergencyAccess.objects.exists()

    reason = "Unconscious patient brought to the emergency room"
    response = client.post(url, {"reason": reason, "minutes": "30"})
    assert response.status_code == 302
    assert can_access_patient(doctor, stranger, FULL)

    audit = AuditEntry.objects.get(action="break_the_glass")
    assert (audit.actor, audit.patient, audit.reason) == (doctor, stranger, reason)
    event = SecurityEvent.objects.get(event="break_the_glass")
    assert event.flagged and event.user == doctor and event.details["reason"] == reason

    EmergencyAccess.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert not can_access_patient(doctor, stranger, FULL)


@pytest.mark.req("DSM80-27.7")
def test_the_security_officer_sees_the_flag_and_marks_it_reviewed(client_as, make_user, org, patients):
    doctor = make_user(Role.DOCTOR, site=org.sites[0])
    services.emergency_access_grant(actor=doctor, patient=patients[2], reason="Cardiac arrest in the corridor")
    officer = client_as(Role.AUDITOR)
    page = officer.get(reverse("accounts:security_events"), {"flagged": "on"})
    assert page.status_code == 200 and 'data-testid="flag-count"' in page.content.decode()
    event = SecurityEvent.objects.get(event="break_the_glass")
    assert officer.post(reverse("accounts:security_event_review", kwargs={"pk": event.pk})).status_code == 302
    event.refresh_from_db()
    assert event.reviewed_by == officer.user


@pytest.mark.req("DSM80-10")
def test_emergency_access_is_for_clinicians_only(client_as, patients):
    client = client_as(Role.REGISTRAR)
    url = reverse("accounts:emergency_access", kwargs={"uuid": patients[0].uuid})
    assert client.post(url, {"reason": "I would like to look at it", "minutes": "30"}).status_code == 403
    assert not EmergencyAccess.objects.exists()
