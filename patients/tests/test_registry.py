"""The person-registry adapter against the national-systems simulator, with its failure modes (DSM80-11)."""

import datetime

import pytest

from accounts.roles import Role
from audit.models import AuditEntry
from patients.registry import RegistryError, registry_differences, registry_lookup
from patients.tests.factories import iin_for

pytestmark = pytest.mark.req("DSM80-11")


def _exchanges():
    return list(AuditEntry.objects.filter(action="transmit", counterpart="person_registry"))


def test_a_person_is_found_by_iin_and_the_lookup_is_journaled(db, national_sim):
    iin = iin_for(datetime.date(1990, 5, 17), "F", 1234)
    person = registry_lookup(iin=iin)
    assert person.iin == iin and person.birth_date == datetime.date(1990, 5, 17) and person.sex == "F"
    assert national_sim.requests("/person-registry/")[-1]["path"].endswith(iin)
    (entry,) = _exchanges()
    assert entry.outcome == "found" and entry.fields["message_type"] == "person_lookup"


@pytest.mark.usefixtures("english")
def test_an_unknown_person_is_not_found(db, national_sim):
    iin = iin_for(datetime.date(1990, 5, 17), "M", 9001)
    with pytest.raises(RegistryError) as error:
        registry_lookup(iin=iin)
    assert error.value.reason == "not_found" and "no person" in error.value.message
    assert _exchanges()[0].outcome == "not_found"


def test_a_server_error_is_reported_as_unavailable(db, national_sim):
    national_sim.fail("/person-registry/", times=1, status=503)
    with pytest.raises(RegistryError) as error:
        registry_lookup(iin=iin_for(datetime.date(1990, 5, 17), "M"))
    assert error.value.reason == "unavailable"
    assert _exchanges()[0].outcome == "unavailable"


@pytest.mark.usefixtures("english")
def test_a_slow_registry_is_reported_as_a_timeout(db, national_sim, monkeypatch):
    monkeypatch.setattr("integrations.client.TIMEOUT", (1, 0.3))
    national_sim.fail("/person-registry/", times=1, status=200, delay=1.0)
    with pytest.raises(RegistryError) as error:
        registry_lookup(iin=iin_for(datetime.date(1990, 5, 17), "M"))
    assert error.value.reason == "timeout" and "in time" in error.value.message
    assert _exchanges()[0].outcome == "timeout"


def test_differences_list_the_fields_that_disagree(db, national_sim):
    iin = iin_for(datetime.date(1990, 5, 17), "F")
    national_sim.control(
        "persons",
        iin=iin,
        last_name="Серикова",
        first_name="Алия",
        middle_name="Ериковна",
        birth_date="1990-05-17",
        sex="F",
        citizenship="KZ",
        address="г. Алматы, ул. Абая, 1",
    )
    person = registry_lookup(iin=iin)
    typed = {
        "last_name": "серикова",
        "first_name": "Алия",
        "middle_name": "",
        "birth_date": datetime.date(1990, 5, 17),
        "sex": "F",
        "citizenship": "KZ",
        "registration_address": "",
    }
    assert [d.field for d in registry_differences(typed, person)] == ["middle_name", "registration_address"]


def _form_data(iin, **overrides):
    data = {
        "iin": iin,
        "last_name": "Сериков",
        "first_name": "Арман",
        "middle_name": "",
        "birth_date": "1990-05-17",
        "sex": "M",
        "citizenship": "KZ",
        "preferred_language": "ru",
        "insurance_status": "unknown",
        "phone": "+77011112233",
    }
    data.update(overrides)
    return data


def test_the_registrar_sees_the_differences_and_accepts_them_field_by_field(client_as, national_sim):
    client = client_as(Role.REGISTRAR)
    iin = iin_for(datetime.date(1990, 5, 17), "M")
    national_sim.control(
        "persons",
        iin=iin,
        last_name="Серiков",
        first_name="Арманжан",
        middle_name="Ерланович",
        birth_date="1990-05-17",
        sex="M",
        citizenship="KZ",
        address="г. Алматы",
    )
    response = client.post("/patients/new/", {**_form_data(iin), "action": "lookup"})
    assert response.status_code == 200
    rows = [row["field"] for row in response.context["differences"]]
    assert rows == ["last_name", "first_name", "middle_name", "registration_address"]
    # Take only the patronymic and the address; the typed surname and name stay.
    response = client.post(
        "/patients/new/", {**_form_data(iin), "action": "accept", "accept": ["middle_name", "registration_address"]}
    )
    form = response.context["form"]
    assert form.initial["middle_name"] == "Ерланович" and form.initial["last_name"] == "Сериков"
    assert [row["field"] for row in response.context["differences"]] == ["last_name", "first_name"]
    response = client.post("/patients/new/", {**_form_data(iin, middle_name="Ерланович"), "action": "save"})
    assert response.status_code == 302
    from patients.models import Patient

    assert Patient.objects.get(iin=iin).registry_checked_at is not None


@pytest.mark.usefixtures("english")
def test_a_registry_failure_keeps_what_was_typed(client_as, national_sim):
    client = client_as(Role.REGISTRAR)
    national_sim.fail("/person-registry/", times=1, status=500)
    iin = iin_for(datetime.date(1990, 5, 17), "M")
    response = client.post("/patients/new/", {**_form_data(iin, actual_address="ул. Толе би, 5"), "action": "lookup"})
    assert "unavailable" in response.context["registry_error"]
    assert response.context["form"].initial["actual_address"] == "ул. Толе би, 5"
    assert "ул. Толе би, 5" in response.content.decode()


@pytest.mark.usefixtures("english")
def test_a_lookup_with_a_wrong_check_digit_does_not_reach_the_registry(client_as, national_sim):
    client = client_as(Role.REGISTRAR)
    iin = iin_for(datetime.date(1990, 5, 17), "M")
    wrong = iin[:11] + str((int(iin[11]) + 1) % 10)
    response = client.post("/patients/new/", {**_form_data(wrong), "action": "lookup"})
    assert "check digit" in response.context["registry_error"]
    assert national_sim.requests("/person-registry/") == []
