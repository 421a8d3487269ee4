"""The personal cabinet: a patient sees only their own; a representative exactly the persons represented."""

import datetime

import pytest

from accounts.access import can_access_patient, patients_visible_to
from accounts.choices import AccessLevel
from accounts.roles import Role
from audit.models import AuditEntry
from patients.tests.factories import PatientFactory, RepresentativeFactory

pytestmark = pytest.mark.req("DSM39-4.12")


@pytest.fixture
def family(org, make_user):
    mother = make_user(Role.PATIENT, first_name="Гульнара", last_name="Омарова")
    own = PatientFactory(organisation=org.organisation, user=mother, last_name="Омарова", first_name="Гульнара", sex="F")
    son = PatientFactory(organisation=org.organisation, last_name="Омаров", first_name="Тимур")
    daughter = PatientFactory(organisation=org.organisation, last_name="Омарова", first_name="Дана", sex="F")
    RepresentativeFactory(patient=son, user=mother, iin="")
    RepresentativeFactory(patient=daughter, user=mother, valid_until=datetime.date(2000, 1, 1))  # expired
    neighbour = PatientFactory(organisation=org.organisation, last_name="Ахметов", user=make_user(Role.PATIENT))
    return {"mother": mother, "own": own, "son": son, "daughter": daughter, "neighbour": neighbour}


@pytest.mark.req("DSM39-4.18")
def test_a_representative_sees_exactly_the_persons_represented(family):
    mother = family["mother"]
    visible = set(patients_visible_to(mother, AccessLevel.FULL_RECORD))
    assert visible == {family["own"], family["son"]}
    assert can_access_patient(mother, family["son"], AccessLevel.FULL_RECORD)
    assert not can_access_patient(mother, family["daughter"])
    assert not can_access_patient(mother, family["neighbour"])


def test_the_cabinet_opens_the_own_record_and_switches_to_a_represented_person(family, client):
    from accounts.tests.helpers import force_login_verified

    force_login_verified(client, family["mother"])
    home = client.get("/patients/cabinet/")
    assert home.context["cabinet_patient"] == family["own"]
    assert set(home.context["cabinet_persons"]) == {family["own"], family["son"]}
    assert 'data-testid="cabinet-switcher"' in home.content.decode()
    assert {s.key for s in home.context["cabinet_sections"]} >= {"profile", "consents"}
    assert client.post("/patients/cabinet/switch/", {"patient": family["son"].pk}).status_code == 302
    profile = client.get("/patients/cabinet/profile/")
    assert profile.context["cabinet_patient"] == family["son"] and "Тимур" in profile.content.decode()
    assert AuditEntry.objects.filter(action="view", patient=family["son"], actor=family["mother"]).exists()


@pytest.mark.req("DSM80-10")
def test_a_patient_cannot_open_another_patients_cabinet(family, client):
    from accounts.tests.helpers import force_login_verified

    force_login_verified(client, family["neighbour"].user)
    for other in (family["own"], family["son"], family["daughter"]):
        assert client.post("/patients/cabinet/switch/", {"patient": other.pk}).status_code == 404
    profile = client.get("/patients/cabinet/profile/")
    assert profile.context["cabinet_patient"] == family["neighbour"]
    assert "Гульнара" not in profile.content.decode()
    assert client.get(f"/patients/{family['own'].uuid}/").status_code == 403  # staff pages are not for patients
    assert client.post("/patients/cabinet/switch/", {"patient": "x"}).status_code == 404


def test_an_account_without_a_record_is_told_to_ask_the_registry(make_user, client):
    from accounts.tests.helpers import force_login_verified

    force_login_verified(client, make_user(Role.PATIENT))
    assert 'data-testid="no-record"' in client.get("/patients/cabinet/").content.decode()
    assert client.get("/patients/cabinet/profile/").status_code == 302
