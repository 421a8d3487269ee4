"""The auditor's journal, its exports, and the patient's "who accessed my data"."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.tests.helpers import force_login_verified
from audit.models import AuditEntry
from audit.services import record
from patients.cabinet import sections
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.req("DSM80-22.5")


@pytest.fixture
def journal(org, make_user):
    doctor = make_user("doctor", department=org.departments[0], first_name="Айгуль", last_name="Сатпаева")
    nurse = make_user("nurse", department=org.departments[0])
    patient = PatientFactory(organisation=org.organisation, site=org.sites[0])
    record(actor=doctor, action="view", patient=patient, obj=patient)
    record(actor=doctor, action="update", patient=patient, obj=patient, fields={"phone": ["+77010000001", "+77019999999"]})
    record(actor=nurse, action="view", patient=patient, obj=patient)
    return doctor, nurse, patient


def rows_of(response) -> list[AuditEntry]:
    return response.context["rows"]


def test_the_auditor_sees_one_users_actions_over_a_period(client_as, journal):
    doctor, _nurse, _patient = journal
    client = client_as("auditor")
    today = timezone.localdate()
    response = client.get(reverse("audit:journal"), {"user": doctor.username, "date_from": today, "date_to": today})
    assert response.status_code == 200
    assert [(e.actor, e.action) for e in rows_of(response)] == [(doctor, "update"), (doctor, "view")]
    before = client.get(reverse("audit:journal"), {"user": doctor.username, "date_to": today - datetime.timedelta(days=1)})
    assert rows_of(before) == []


def test_sensitive_values_are_masked_in_the_viewer(client_as, journal):
    response = client_as("auditor").get(reverse("audit:journal"), {"action": "update"})
    body = response.content.decode()
    assert "+77019999999" not in body and "•••99" in body


def test_filters_by_patient_action_and_object_type(client_as, journal):
    _doctor, nurse, patient = journal
    client = client_as("auditor")
    by_patient = rows_of(client.get(reverse("audit:journal"), {"patient": patient.iin, "action": "view"}))
    assert {e.actor for e in by_patient} == {journal[0], nurse}
    by_type = rows_of(client.get(reverse("audit:journal"), {"object_type": "patients.Patient"}))
    assert len(by_type) == 3


@pytest.mark.parametrize(
    "query, field",
    [
        ({"date_from": "2026-13-45"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"patient": "123456789012"}, "patient"),
        ({"user": "nobody-like-this"}, "user"),
        ({"before": "abc"}, "before"),
    ],
)
def test_malformed_filters_are_answered_with_a_message_not_an_error(client_as, journal, query, field):
    response = client_as("auditor").get(reverse("audit:journal"), query)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)


def test_pages_follow_a_keyset_cursor_with_a_bounded_number_of_queries(client_as, journal, django_assert_max_num_queries):
    doctor, _nurse, patient = journal
    for _ in range(60):
        record(actor=doctor, action="view", patient=patient)
    client = client_as("auditor")
    with django_assert_max_num_queries(12):
        first = client.get(reverse("audit:journal"))
    older = first.context["next_before"]
    assert len(rows_of(first)) == 50 and older == rows_of(first)[-1].id
    second = client.get(reverse("audit:journal"), {"before": older})
    assert len(rows_of(second)) == 13 and rows_of(second)[0].id < older and second.context["next_before"] is None


def test_an_auditor_sees_only_their_organisations_journal(client_as, journal):
    from accounts.tests.factories import OrganisationFactory

    other = OrganisationFactory(code="OTHER")
    stranger_patient = PatientFactory(organisation=other)
    record(actor=None, action="view", patient=stranger_patient)
    rows = rows_of(client_as("auditor").get(reverse("audit:journal")))
    assert stranger_patient not in {e.patient for e in rows} and len(rows) == 3


def test_the_csv_export_holds_the_filtered_rows_masked_and_is_itself_journaled(client_as, journal):
    doctor, _nurse, patient = journal
    client = client_as("auditor")
    response = client.get(reverse("audit:journal_export", args=["csv"]), {"user": doctor.username})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(table) == 1 + 2 and {row[2] for row in table[1:]} == {doctor.get_full_name()}
    assert "+77019999999" not in "".join(table[1][9] + table[2][9])
    export = AuditEntry.objects.get(action="export")
    assert export.actor == client.user and export.fields["format"] == "csv"
    assert export.fields["filters"]["user"] == str(doctor)


def test_the_xlsx_export_opens_as_a_workbook(client_as, journal):
    response = client_as("administrator").get(reverse("audit:journal_export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + 3 + 1  # the header, the three entries and the export's own entry
    assert AuditEntry.objects.filter(action="export", fields__format="xlsx").exists()


def test_an_export_with_a_malformed_filter_is_refused_and_not_journaled(client_as, journal):
    response = client_as("auditor").get(reverse("audit:journal_export", args=["csv"]), {"date_from": "nope"})
    assert response.status_code == 400 and not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.req("DSM39-4.18")
def test_a_patient_sees_who_accessed_their_data_without_staff_internal_details(client, make_user, journal):
    doctor, nurse, patient = journal
    patient.user = make_user("patient")
    patient.save()
    record(actor=patient.user, action="view", patient=patient)  # their own look is not listed
    force_login_verified(client, patient.user)
    response = client.get(reverse("audit:my_access_log"))
    assert response.status_code == 200
    listed = list(response.context["page"])
    assert [(e.actor, e.action) for e in listed] == [(nurse, "view"), (doctor, "update"), (doctor, "view")]
    body = response.content.decode()
    assert "Сатпаева" in body and "+7701" not in body and "127.0.0.1" not in body
    assert "access_log" in {section.key for section in sections()}
    assert response.context["cabinet_patient"] == patient  # inside the cabinet, beside its other sections
    assert body.count("<td>Пациент</td>") == 3  # what was opened, in the reader's language


@pytest.mark.req("DSM39-4.18")
def test_a_patient_never_sees_another_patients_access_log(client, make_user, journal):
    _doctor, _nurse, patient = journal
    other = PatientFactory(organisation=patient.organisation, user=make_user("patient"))
    force_login_verified(client, other.user)
    listed = list(client.get(reverse("audit:my_access_log")).context["page"])
    assert listed == []
