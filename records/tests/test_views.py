"""The staff's documents page and download, and the personal cabinet's documents (DSM39-4.12, DSM39-4.18)."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.access import register_patient_relation, unregister_patient_relation
from accounts.roles import Role
from accounts.tests.helpers import force_login_verified
from audit.models import AuditEntry
from patients.tests.factories import PatientFactory, RepresentativeFactory
from records.models import Document
from records.tests.factories import EXE, PDF, add_document, upload


def documents_url(patient) -> str:
    return reverse("records:patient_documents", kwargs={"patient_uuid": patient.uuid})


def download_url(document) -> str:
    return reverse("records:document_download", kwargs={"uuid": document.uuid})


def my_download_url(document) -> str:
    return reverse("records:my_document_download", kwargs={"uuid": document.uuid})


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- Staff ------------------------------------------------------------------------------------------
@pytest.mark.req("DSM80-10")
@pytest.mark.parametrize("page", ["list", "download"])
def test_the_staff_pages_answer_anonymous_unpermitted_other_clinic_and_allowed(page, clinic, other_clinic_doctor, client):
    document = add_document(clinic.doctor, clinic.patient)
    url = documents_url(clinic.patient) if page == "list" else download_url(document)
    assert client.get(url).status_code == 302  # to sign in
    force_login_verified(client, clinic.registrar)
    assert client.get(url).status_code == 403
    force_login_verified(client, other_clinic_doctor)
    assert client.get(url).status_code == 404
    for allowed in (clinic.doctor, clinic.nurse):
        force_login_verified(client, allowed)
        assert client.get(url).status_code == 200


@pytest.mark.req("DSM80-22.5")
@pytest.mark.req("DSM39-4.17")
def test_a_download_is_an_attachment_of_its_real_type_never_cached_and_journaled(clinic, client):
    document = add_document(clinic.doctor, clinic.patient, name='Анализ "крови".pdf')
    force_login_verified(client, clinic.nurse)
    response = client.get(download_url(document))
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]  # the Cyrillic name, encoded, no raw quotes
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="export", object_id=str(document.pk))
    assert entry.actor == clinic.nurse and entry.fields["via"] == "staff"


@pytest.fixture
def treating_outsider(clinic, other_clinic_doctor):
    """`other_clinic_doctor` treating the clinic's patient (a stand-in for the relations scheduling and
    telemed register): they reach the record, but only with the patient's personal-data consent."""
    register_patient_relation(
        "test_treating", lambda user: Q(pk=clinic.patient.pk) if user.pk == other_clinic_doctor.pk else Q(pk__in=[])
    )
    yield other_clinic_doctor
    unregister_patient_relation("test_treating")


@pytest.mark.req("DSM80-25")
@pytest.mark.parametrize("page", ["list", "download"])
def test_another_clinic_sees_no_document_without_the_patients_consent(page, clinic, treating_outsider, client, national_sim):
    document = add_document(clinic.doctor, clinic.patient)
    url = documents_url(clinic.patient) if page == "list" else download_url(document)
    national_sim.control("consents", iin=clinic.patient.iin, status="pending")
    force_login_verified(client, treating_outsider)
    response = client.get(url)
    assert response.status_code == 200 and 'data-testid="consent-pending"' in response.content.decode()
    assert not AuditEntry.objects.filter(action__in=["view", "export"], patient=clinic.patient).exists()
    national_sim.control("consents", iin=clinic.patient.iin, status="granted")
    assert client.post(reverse("patients:consent_check", kwargs={"uuid": clinic.patient.uuid})).status_code == 302
    response = client.get(url)  # granted: the record opens
    assert response.status_code == 200
    if page == "list":
        assert list(response.context["page"].object_list) == [document]
    else:
        assert body(response) == PDF
        entry = AuditEntry.objects.get(action="export", patient=clinic.patient)
        assert entry.actor == treating_outsider and entry.fields["via"] == "staff"


def test_the_documents_page_lists_newest_first_and_offers_the_upload_to_doctors_only(clinic, client):
    older = add_document(clinic.doctor, clinic.patient, title="Старое заключение", days_ago=30)
    newer = add_document(clinic.doctor, clinic.patient, title="Новый анализ", days_ago=1, shared=False)
    force_login_verified(client, clinic.doctor)
    response = client.get(documents_url(clinic.patient))
    assert list(response.context["page"].object_list) == [newer, older]
    html = response.content.decode()
    assert 'data-testid="upload-form"' in html and 'data-testid="not-shared"' in html
    assert 'enctype="multipart/form-data"' in html
    entry = AuditEntry.objects.filter(action="view", patient=clinic.patient).latest("id")
    assert entry.fields["documents"] == [str(newer.uuid), str(older.uuid)]
    force_login_verified(client, clinic.nurse)
    assert 'data-testid="upload-form"' not in client.get(documents_url(clinic.patient)).content.decode()
    assert client.post(documents_url(clinic.patient), {"title": "x"}).status_code == 403


def test_the_chart_links_to_the_documents_for_those_who_may_see_them(clinic, client):
    force_login_verified(client, clinic.doctor)
    detail = client.get(reverse("patients:detail", kwargs={"uuid": clinic.patient.uuid})).content.decode()
    assert f'href="{documents_url(clinic.patient)}"' in detail
    force_login_verified(client, clinic.registrar)
    detail = client.get(reverse("patients:detail", kwargs={"uuid": clinic.patient.uuid})).content.decode()
    assert 'data-testid="chart-link-documents"' not in detail


@pytest.mark.req("DSM80-22.5")
def test_a_doctor_uploads_a_document_from_the_page(clinic, client, private_media):
    force_login_verified(client, clinic.doctor)
    response = client.post(
        documents_url(clinic.patient),
        {
            "kind": "imaging",
            "title": "Рентген грудной клетки",
            "issued_on": timezone.localdate().isoformat(),
            "file": upload("xray.pdf"),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.kind, document.author) == ("Рентген грудной клетки", "imaging", clinic.doctor)
    assert document.shared_with_patient is False  # an unticked box is unticked
    assert AuditEntry.objects.filter(action="create", object_id=str(document.pk)).exists()


def test_a_wrong_upload_says_why_next_to_the_field_and_keeps_what_was_typed(clinic, client, private_media, english):
    force_login_verified(client, clinic.doctor)
    response = client.post(
        documents_url(clinic.patient),
        {
            "kind": "laboratory",
            "title": "Биохимия крови",
            "issued_on": timezone.localdate().isoformat(),
            "file": upload("setup.pdf", EXE),
            "shared_with_patient": "on",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-file"' in html and "Only PDF, JPEG and PNG files are accepted" in html
    assert 'value="Биохимия крови"' in html
    response = client.post(
        documents_url(clinic.patient), {"kind": "laboratory", "issued_on": "", "file": upload("empty.pdf", b"")}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-title"' in html and 'data-testid="error-issued_on"' in html
    assert 'data-testid="error-file"' in html
    assert not Document.objects.exists()
    assert not (private_media.exists() and any(path.is_file() for path in private_media.rglob("*")))


def test_the_list_takes_the_same_number_of_queries_for_two_or_twenty_documents(
    clinic, client, django_assert_max_num_queries
):
    force_login_verified(client, clinic.doctor)
    for number in range(2):
        add_document(clinic.doctor, clinic.patient, title=f"Документ {number}")
    client.get(documents_url(clinic.patient))  # warm the per-process caches (content types, roles)
    with CaptureQueriesContext(connection) as few:
        client.get(documents_url(clinic.patient))
    for number in range(2, 20):
        add_document(clinic.doctor, clinic.patient, title=f"Документ {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(documents_url(clinic.patient))
    assert len(response.context["page"].object_list) == 20


# --- The personal cabinet ---------------------------------------------------------------------------
@pytest.mark.req("DSM39-4.12")
@pytest.mark.req("DSM39-4.18")
def test_the_cabinet_lists_only_the_shared_documents_and_downloads_them_journaled(clinic, client):
    shared = add_document(clinic.doctor, clinic.patient, title="Выписка из стационара", kind="discharge")
    internal = add_document(clinic.doctor, clinic.patient, title="Черновик заключения", shared=False)
    force_login_verified(client, clinic.patient.user)
    response = client.get(reverse("records:my_documents"))
    assert list(response.context["page"].object_list) == [shared]
    html = response.content.decode()
    assert "Выписка из стационара" in html and "Черновик" not in html
    assert {section.key for section in response.context["cabinet_sections"]} >= {"documents"}
    download = client.get(my_download_url(shared))
    assert download.status_code == 200 and body(download) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    entry = AuditEntry.objects.get(action="export", object_id=str(shared.pk))
    assert entry.actor == clinic.patient.user and entry.fields["via"] == "cabinet"
    assert client.get(my_download_url(internal)).status_code == 404
    assert client.get(download_url(shared)).status_code == 403  # the staff download is not for patients


@pytest.mark.req("DSM39-4.12")
@pytest.mark.req("DSM80-10")
def test_a_patient_cannot_download_another_patients_document(clinic, org, make_user, client):
    neighbour = PatientFactory(organisation=org.organisation, site=org.sites[0], user=make_user(Role.PATIENT))
    theirs = add_document(clinic.doctor, neighbour, title="Чужой анализ")
    force_login_verified(client, clinic.patient.user)
    assert client.get(my_download_url(theirs)).status_code == 404
    assert "Чужой анализ" not in client.get(reverse("records:my_documents")).content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.req("DSM39-4.12")
@pytest.mark.req("DSM39-4.18")
def test_a_representative_sees_exactly_the_represented_persons_shared_documents(clinic, org, make_user, client):
    mother = make_user(Role.PATIENT)
    own = PatientFactory(organisation=org.organisation, site=org.sites[0], user=mother, sex="F")
    son = PatientFactory(organisation=org.organisation, site=org.sites[0], first_name="Тимур")
    daughter = PatientFactory(organisation=org.organisation, site=org.sites[0], first_name="Дана", sex="F")
    RepresentativeFactory(patient=son, user=mother, iin="")
    RepresentativeFactory(patient=daughter, user=mother, valid_until=datetime.date(2000, 1, 1))  # expired
    documents = {
        "own": add_document(clinic.doctor, own, title="Мой анализ"),
        "son": add_document(clinic.doctor, son, title="Анализ сына"),
        "son_internal": add_document(clinic.doctor, son, title="Черновик по сыну", shared=False),
        "daughter": add_document(clinic.doctor, daughter, title="Анализ дочери"),
        "stranger": add_document(clinic.doctor, clinic.patient, title="Чужой анализ"),
    }
    force_login_verified(client, mother)
    seen = set(client.get(reverse("records:my_documents")).context["page"].object_list)
    assert seen == {documents["own"]}
    assert client.get(my_download_url(documents["son"])).status_code == 404  # not the open cabinet's person
    assert client.post(reverse("patients:cabinet_switch"), {"patient": son.pk}).status_code == 302
    seen |= set(client.get(reverse("records:my_documents")).context["page"].object_list)
    assert seen == {documents["own"], documents["son"]}
    assert client.get(my_download_url(documents["son"])).status_code == 200
    for other in ("son_internal", "daughter", "stranger", "own"):
        assert client.get(my_download_url(documents[other])).status_code == 404
    assert client.post(reverse("patients:cabinet_switch"), {"patient": daughter.pk}).status_code == 404
    entry = AuditEntry.objects.get(action="export", actor=mother)
    assert entry.patient == son and entry.fields["via"] == "cabinet"


def test_the_cabinet_page_takes_the_same_number_of_queries_for_two_or_twenty_documents(
    clinic, client, django_assert_max_num_queries
):
    force_login_verified(client, clinic.patient.user)
    for number in range(2):
        add_document(clinic.doctor, clinic.patient, title=f"Документ {number}")
    client.get(reverse("records:my_documents"))  # warm the per-process caches (content types, roles)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("records:my_documents"))
    for number in range(2, 20):
        add_document(clinic.doctor, clinic.patient, title=f"Документ {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("records:my_documents"))
    assert len(response.context["page"].object_list) == 20
