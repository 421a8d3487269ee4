"""Consent to personal-data access before a clinic opens the record of a patient not attached to it."""

import pytest
from django.db.models import Q

from accounts.access import register_patient_relation, unregister_patient_relation
from accounts.roles import Role
from accounts.tests.factories import OrganisationFactory
from accounts.tests.helpers import force_login_verified
from audit.models import AuditEntry
from patients.consents import consent_required
from patients.models import PersonalDataConsent
from patients.tests.factories import PatientFactory

pytestmark = [pytest.mark.req("DSM80-25"), pytest.mark.req("DSM80-26")]


@pytest.fixture
def outsider(org, make_user):
    """A doctor of another clinic who treats patients whose surname is "Консультируемый" (a stand-in for
    the relations scheduling and telemed register), and one such patient of `org`."""
    other = OrganisationFactory(code="OTHER")
    doctor = make_user(Role.DOCTOR, organisation=other)
    from accounts.models import RoleAssignment

    RoleAssignment.objects.filter(user=doctor).update(organisation=other, department=None)
    doctor = type(doctor).objects.get(pk=doctor.pk)
    register_patient_relation(
        "test_treating", lambda user: Q(last_name="Консультируемый") if user.pk == doctor.pk else Q(pk__in=[])
    )
    yield doctor, PatientFactory(organisation=org.organisation, site=org.sites[0], last_name="Консультируемый")
    unregister_patient_relation("test_treating")


def test_staff_of_the_patients_own_clinic_need_no_consent(make_user, org, national_sim):
    doctor = make_user(Role.DOCTOR, department=org.departments[0])
    assert consent_required(doctor, PatientFactory(organisation=org.organisation, site=org.sites[0])) is None
    assert national_sim.requests("/pd-access/") == []


def test_another_clinic_asks_the_state_service_once_and_opens_on_granted(outsider, client, national_sim, settings):
    doctor, patient = outsider
    force_login_verified(client, doctor)
    assert client.get(f"/patients/{patient.uuid}/").status_code == 200
    assert client.get(f"/patients/{patient.uuid}/").status_code == 200
    (sent,) = national_sim.requests("/pd-access/")
    assert sent["body"]["iin"] == patient.iin and sent["body"]["service"] == "state"
    consent = PersonalDataConsent.objects.get(patient=patient)
    assert consent.status == "granted" and consent.request_id and consent.answered_at is not None
    exchange = AuditEntry.objects.get(action="transmit", counterpart="pd_access_state")
    assert exchange.patient == patient and exchange.outcome == "granted"


def test_a_private_clinic_uses_the_non_state_service(outsider, national_sim, settings):
    settings.PERSONAL_DATA_ACCESS_SERVICE = {"default": "state", "OTHER": "non_state"}
    doctor, patient = outsider
    assert consent_required(doctor, patient) is None
    assert national_sim.requests("/pd-access/")[0]["body"]["service"] == "non_state"
    assert AuditEntry.objects.filter(counterpart="pd_access_non_state").exists()


def test_pending_and_refused_are_shown_and_the_record_stays_closed(outsider, client, national_sim):
    doctor, patient = outsider
    force_login_verified(client, doctor)
    national_sim.control("consents", iin=patient.iin, status="pending")
    response = client.get(f"/patients/{patient.uuid}/")
    assert response.status_code == 200 and 'data-testid="consent-pending"' in response.content.decode()
    assert not AuditEntry.objects.filter(action="view", patient=patient).exists()
    assert client.get(f"/patients/{patient.uuid}/card.pdf").status_code == 200  # the consent page again
    national_sim.control("consents", iin=patient.iin, status="refused")
    response = client.post(f"/patients/{patient.uuid}/consent/check/")
    assert response.status_code == 403 and 'data-testid="consent-refused"' in response.content.decode()
    national_sim.control("consents", iin=patient.iin, status="granted")
    response = client.post(f"/patients/{patient.uuid}/consent/check/")
    assert response.status_code == 302
    assert client.get(f"/patients/{patient.uuid}/").status_code == 200
    assert len(national_sim.requests("/pd-access/")) == 3


def test_a_service_failure_leaves_the_request_pending(outsider, national_sim):
    doctor, patient = outsider
    national_sim.fail("/pd-access/", times=1, status=503)
    consent = consent_required(doctor, patient)
    assert consent is not None and consent.status == "pending"
    assert AuditEntry.objects.get(counterpart="pd_access_state").outcome == "error"


@pytest.mark.req("DSM39-4.12")
def test_the_patient_sees_the_requests_in_the_cabinet(outsider, make_user, client, national_sim):
    doctor, patient = outsider
    consent_required(doctor, patient)
    patient_user = make_user(Role.PATIENT)
    patient.user = patient_user
    patient.save()
    force_login_verified(client, patient_user)
    page = client.get("/patients/cabinet/consents/").content.decode()
    assert "Поликлиника" in page or "OTHER" in page
    assert 'data-testid="cabinet-consents"' in page
