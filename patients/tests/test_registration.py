"""Registration, edit, representatives, merge and the printed card, each with its audit entries."""

import datetime

import pytest

from accounts.roles import Role
from audit.models import AuditEntry
from integrations.models import OutboxMessage
from patients import services
from patients.models import AttachmentHistory, LegalRepresentative, Patient
from patients.tests.factories import PatientFactory, RepresentativeFactory, iin_for


def _data(iin, **overrides):
    data = {
        "iin": iin,
        "last_name": "Жумабаева",
        "first_name": "Асель",
        "middle_name": "Маратовна",
        "birth_date": "2001-02-03",
        "sex": "F",
        "citizenship": "KZ",
        "preferred_language": "kk",
        "insurance_status": "insured",
        "phone": "+77015550011",
        "action": "save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def registrar(client_as):
    return client_as(Role.REGISTRAR)


@pytest.mark.req("DSM39-4.4")
def test_a_registrar_registers_a_patient_attached_to_a_site(registrar, org):
    iin = iin_for(datetime.date(2001, 2, 3), "F")
    response = registrar.post("/patients/new/", _data(iin, site=org.sites[1].pk))
    patient = Patient.objects.get(iin=iin)
    assert response.status_code == 302 and response.url == f"/patients/{patient.uuid}/"
    assert patient.last_name_latin == "ZHUMABAEVA" and patient.first_name_latin == "ASEL"
    assert AttachmentHistory.objects.get(patient=patient).site == org.sites[1]
    entry = AuditEntry.objects.get(action="create", patient=patient)
    assert entry.actor == registrar.user and entry.fields["iin"] == [None, iin]


@pytest.mark.usefixtures("english")
@pytest.mark.req("DSM39-4.4")
def test_bad_input_is_shown_next_to_the_field_and_the_typed_data_is_kept(registrar, org):
    iin = iin_for(datetime.date(2001, 2, 3), "F")
    response = registrar.post("/patients/new/", _data(iin, birth_date="2001-02-04", actual_address="ул. Абая 10"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="error-birth_date"' in page and "ул. Абая 10" in page
    PatientFactory(organisation=org.organisation, iin=iin, sex="F")
    response = registrar.post("/patients/new/", _data(iin))
    assert "already registered" in response.context["form"].errors["iin"][0]


@pytest.mark.req("DSM39-4.4")
def test_the_detail_page_checks_access_and_journals_the_view(registrar, org, client_as):
    patient = PatientFactory(organisation=org.organisation, site=org.sites[0])
    assert registrar.get(f"/patients/{patient.uuid}/").status_code == 200
    assert AuditEntry.objects.filter(action="view", patient=patient, actor=registrar.user).count() == 1
    stranger = PatientFactory()  # another organisation
    assert registrar.get(f"/patients/{stranger.uuid}/").status_code == 404


@pytest.mark.req("DSM39-4.4")
def test_an_edit_journals_old_and_new_values_and_moves_the_attachment(registrar, org):
    patient = services.patient_register(
        actor=registrar.user,
        organisation=org.organisation,
        site=org.sites[0],
        iin=iin_for(datetime.date(2001, 2, 3), "F"),
        last_name="Жумабаева",
        first_name="Асель",
        birth_date=datetime.date(2001, 2, 3),
        sex="F",
    )
    response = registrar.post(
        f"/patients/{patient.uuid}/edit/", _data(patient.iin, phone="+77019998877", site=org.sites[2].pk)
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="update", patient=patient).latest("id")
    assert entry.fields["phone"] == ["", "+77019998877"] and entry.fields["site"] == [org.sites[0].pk, org.sites[2].pk]
    history = list(AttachmentHistory.objects.filter(patient=patient).order_by("id"))
    assert [h.site for h in history] == [org.sites[0], org.sites[2]]
    assert history[0].detached_at is not None and history[1].detached_at is None


@pytest.mark.usefixtures("english")
@pytest.mark.req("DSM39-4.4")
def test_a_representative_needs_the_document_that_gives_the_right(registrar, org):
    child = PatientFactory(
        organisation=org.organisation, birth_date=datetime.date(2015, 3, 1), iin=iin_for(datetime.date(2015, 3, 1), "M")
    )
    data = {
        "kind": "parent",
        "iin": iin_for(datetime.date(1985, 6, 1), "F"),
        "last_name": "Омарова",
        "first_name": "Гульнара",
        "phone": "+77023334455",
    }
    response = registrar.post(f"/patients/{child.uuid}/representatives/new/", data)
    errors = response.context["form"].errors
    assert {"document_name", "document_number", "document_date"} <= set(errors)
    assert "gives the right" in errors["document_name"][0]
    assert response.context["form"]["last_name"].value() == "Омарова"
    data.update(document_name="Свидетельство о рождении", document_number="I-АЛ 123", document_date="2015-03-10")
    assert registrar.post(f"/patients/{child.uuid}/representatives/new/", data).status_code == 302
    assert LegalRepresentative.objects.get(patient=child).document_number == "I-АЛ 123"


@pytest.mark.req("DSM39-4.4")
def test_merging_moves_references_keeps_the_duplicate_inactive_and_journals_both(registrar, org, national_sim):
    keep = PatientFactory(organisation=org.organisation, phone="+77010000001", email="")
    duplicate = PatientFactory(
        organisation=org.organisation,
        iin="",
        without_iin=True,
        document_type="passport",
        document_number="N123",
        birth_date=keep.birth_date,
        phone="+77010000001",
        email="a@example.kz",
    )
    representative = RepresentativeFactory(patient=duplicate)
    services.patient_invite(actor=registrar.user, patient=duplicate, base_url="http://testserver/")
    response = registrar.post(
        f"/patients/{keep.uuid}/merge/", {"duplicate": duplicate.uuid, "confirm": "on", "reason": "Дубликат"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    keep.refresh_from_db()
    representative.refresh_from_db()
    assert not duplicate.is_active and duplicate.merged_into == keep
    assert representative.patient == keep and keep.email == "a@example.kz"
    assert OutboxMessage.objects.get(channel="sms").patient == keep
    assert AuditEntry.objects.filter(patient=duplicate, action="transmit").exists()  # the journal stays as it was
    kept_entry = AuditEntry.objects.filter(patient=keep, action="update").latest("id")
    assert kept_entry.fields["merged_from"] == [None, duplicate.pk] and kept_entry.reason == "Дубликат"
    assert AuditEntry.objects.filter(patient=duplicate, action="update", fields__merged_into=[None, keep.pk]).exists()
    assert registrar.get(f"/patients/{duplicate.uuid}/edit/").status_code == 302  # a merged record is read-only


@pytest.mark.usefixtures("english")
def test_records_with_different_iins_are_not_merged(registrar, org):
    keep = PatientFactory(organisation=org.organisation, phone="+77010000002")
    other = PatientFactory(organisation=org.organisation, phone="+77010000002", birth_date=keep.birth_date)
    response = registrar.post(f"/patients/{keep.uuid}/merge/", {"duplicate": other.uuid, "confirm": "on"})
    assert "different IINs" in response.content.decode()
    other.refresh_from_db()
    assert other.is_active


@pytest.mark.req("DSM39-4.4")
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_registration_card_prints_in_kazakh_or_russian_and_is_journaled(registrar, org, language):
    patient = PatientFactory(organisation=org.organisation, preferred_language="kk")
    response = registrar.get(f"/patients/{patient.uuid}/card.pdf?language={language}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = AuditEntry.objects.get(action="print", patient=patient)
    assert entry.fields == {"document": "registration_card", "language": language}


def test_the_card_defaults_to_the_patients_language(registrar, org):
    patient = PatientFactory(organisation=org.organisation, preferred_language="kk")
    registrar.get(f"/patients/{patient.uuid}/card.pdf")
    assert AuditEntry.objects.get(action="print", patient=patient).fields["language"] == "kk"


def test_a_changed_insurance_status_records_when_it_was_checked(registrar, org):
    patient = PatientFactory(
        organisation=org.organisation,
        sex="F",
        iin=iin_for(datetime.date(2001, 2, 3), "F"),
        last_name="Жумабаева",
        first_name="Асель",
        middle_name="Маратовна",
        birth_date=datetime.date(2001, 2, 3),
    )
    assert patient.insurance_checked_at is None
    registrar.post(f"/patients/{patient.uuid}/edit/", _data(patient.iin, insurance_status="not_insured"))
    patient.refresh_from_db()
    assert patient.insurance_status == "not_insured" and patient.insurance_checked_at is not None
