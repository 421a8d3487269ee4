"""One search box: IIN (full or prefix), surname or "surname name" fragment, phone; bounded queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from patients.selectors import patient_search
from patients.tests.factories import PatientFactory, iin_for


@pytest.fixture
def people(org):
    site = org.sites[0]
    return {
        "aliya": PatientFactory(
            organisation=org.organisation,
            site=site,
            last_name="Серикова",
            first_name="Алия",
            sex="F",
            iin=iin_for(datetime.date(1990, 5, 17), "F"),
            phone="+77011234567",
        ),
        "arman": PatientFactory(
            organisation=org.organisation,
            site=site,
            last_name="Сериков",
            first_name="Арман",
            iin=iin_for(datetime.date(1985, 1, 2), "M"),
            phone="+77059876543",
        ),
        "ivan": PatientFactory(
            organisation=org.organisation,
            last_name="Иванов",
            first_name="Иван",
            iin=iin_for(datetime.date(2010, 7, 8), "M"),
            phone="+77470001122",
        ),
        "stranger": PatientFactory(
            last_name="Серикова", first_name="Алия", sex="F", iin=iin_for(datetime.date(1990, 5, 17), "F", 50)
        ),  # another clinic
    }


def _names(results):
    return sorted(p.first_name + " " + p.last_name for p in results)


@pytest.mark.req("DSM39-4.4")
def test_search_by_iin_prefix_full_iin_surname_name_and_phone(make_user, people):
    registrar = make_user(Role.REGISTRAR)
    assert _names(patient_search(registrar, "9005")) == ["Алия Серикова"]
    assert _names(patient_search(registrar, people["arman"].iin)) == ["Арман Сериков"]
    assert _names(patient_search(registrar, "серик")) == ["Алия Серикова", "Арман Сериков"]
    assert _names(patient_search(registrar, "ерико")) == ["Алия Серикова", "Арман Сериков"]
    assert _names(patient_search(registrar, "Сериков Ар")) == ["Арман Сериков"]
    assert _names(patient_search(registrar, "+7 705 987")) == ["Арман Сериков"]
    assert _names(patient_search(registrar, "87470001122")) == ["Иван Иванов"]
    assert patient_search(registrar, "ж") == []  # too short to search


@pytest.mark.req("DSM80-10")
def test_search_shows_only_patients_the_user_may_see(make_user, org, people):
    registrar = make_user(Role.REGISTRAR)
    results = patient_search(registrar, "Серикова Алия")
    assert [p.pk for p in results] == [people["aliya"].pk]
    nurse_of_other_department = make_user(Role.NURSE, department=org.departments[1])
    assert patient_search(nurse_of_other_department, "Серик") == []
    patient_user = make_user(Role.PATIENT)
    assert patient_search(patient_user, "Серик") == []


def test_merged_records_are_not_found(make_user, people):
    registrar = make_user(Role.REGISTRAR)
    people["arman"].is_active = False
    people["arman"].merged_into = people["aliya"]
    people["arman"].save()
    assert _names(patient_search(registrar, "Сериков")) == ["Алия Серикова"]


def test_the_search_takes_a_fixed_number_of_queries_however_many_match(client_as, org):
    client = client_as(Role.REGISTRAR)
    PatientFactory.create_batch(3, organisation=org.organisation, site=org.sites[0], last_name="Абенов")

    def queries(term):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/patients/", {"q": term}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        return len(captured), response

    queries("Абенов")  # the first request after signing in also slides the session's expiry
    few, response = queries("Абенов")
    assert response.templates[0].name == "patients/partials/_search_results.html"
    assert len(response.context["patients"]) == 3
    PatientFactory.create_batch(30, organisation=org.organisation, site=org.sites[1], last_name="Абенов")
    many, response = queries("Абенов")
    assert len(response.context["patients"]) == 20 and response.context["more"]  # bounded, and says so
    assert 'data-testid="search-more"' in response.content.decode()
    assert many == few
    assert few <= 12


def test_the_search_page_renders_in_full_without_htmx(client_as, org):
    client = client_as(Role.REGISTRAR)
    PatientFactory(organisation=org.organisation, site=org.sites[0], last_name="Абенов")
    response = client.get("/patients/", {"q": "Абенов"})
    page = response.content.decode()
    assert 'hx-get="/patients/"' in page and "Абенов" in page and 'data-testid="search-results"' in page
