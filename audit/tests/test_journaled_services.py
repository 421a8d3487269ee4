"""Reads and writes of patients' data, through the real pages and services, land in the journal."""

import pytest
from django.urls import reverse

from accounts.tests.helpers import force_login_verified
from audit.models import AuditEntry
from audit.verification import chain_verify
from patients.models import AttachmentHistory, Patient
from patients.tests.factories import PatientFactory


@pytest.mark.req("DSM39-4.18")
@pytest.mark.req("DSM80-22.5")
def test_a_patient_sees_a_doctors_look_at_their_record_in_their_cabinet(client, client_as, make_user, org):
    patient = PatientFactory(organisation=org.organisation, site=org.sites[0], user=make_user("patient"))
    doctor_client = client_as("doctor", department=org.departments[0], first_name="Ерлан", last_name="Доктор")
    assert doctor_client.get(reverse("patients:detail", args=[patient.uuid])).status_code == 200
    doctor = doctor_client.user
    doctor_client.logout()

    force_login_verified(client, patient.user)
    response = client.get(reverse("audit:my_access_log"))
    (entry,) = response.context["page"]
    assert (entry.actor, entry.action) == (doctor, "view")
    body = response.content.decode()
    assert "Доктор Ерлан" in body or "Ерлан Доктор" in body
    assert str(entry.organisation) in body


@pytest.mark.req("DSM80-22.5")
def test_a_registrars_bulk_move_is_journaled_one_entry_per_patient(client_as, org):
    client = client_as("registrar")
    patients = PatientFactory.create_batch(25, organisation=org.organisation, site=org.sites[0])
    response = client.post(
        reverse("patients:reattach"),
        {
            "site": org.sites[1].pk,
            "iins": "\n".join(p.iin for p in patients),
            "reason": "Site re-division",
        },
    )
    assert response.status_code == 302
    assert Patient.objects.filter(site=org.sites[1]).count() == 25
    assert AttachmentHistory.objects.filter(site=org.sites[1], detached_at__isnull=True).count() == 25
    entries = AuditEntry.objects.filter(action="update", actor=client.user)
    assert entries.count() == 25 and {e.patient_id for e in entries} == {p.pk for p in patients}
    assert all(e.fields == {"site": [org.sites[0].pk, org.sites[1].pk]} and e.reason == "Site re-division" for e in entries)
    assert chain_verify().ok


def test_a_bulk_move_with_one_bad_iin_moves_nobody_and_says_which(client_as, org):
    client = client_as("registrar")
    patients = PatientFactory.create_batch(3, organisation=org.organisation, site=org.sites[0])
    response = client.post(
        reverse("patients:reattach"),
        {
            "site": org.sites[1].pk,
            "iins": " ".join([p.iin for p in patients] + ["123456789012"]),
            "reason": "x",
        },
    )
    assert response.status_code == 400
    assert "123456789012" in str(response.context["form"].errors["iins"])
    assert not Patient.objects.filter(site=org.sites[1]).exists() and not AuditEntry.objects.exists()
    assert patients[0].iin in response.content.decode()  # what was typed is kept


def test_a_bulk_move_cannot_reach_patients_the_registrar_may_not_see(client_as, org):
    from accounts.tests.factories import OrganisationFactory

    client = client_as("registrar")
    stranger = PatientFactory(organisation=OrganisationFactory(code="ELSE"))
    response = client.post(reverse("patients:reattach"), {"site": org.sites[1].pk, "iins": stranger.iin, "reason": "x"})
    assert response.status_code == 400 and stranger.iin in str(response.context["form"].errors["iins"])
