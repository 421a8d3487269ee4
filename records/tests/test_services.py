"""Uploading a clinical document: what is accepted, and that nothing half-written is left behind."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEntry
from patients.tests.factories import PatientFactory
from records.models import Document
from records.services import document_add, document_open, safe_file_name
from records.tests.factories import EXE, PDF, PNG, add_document, upload

pytestmark = pytest.mark.req("DSM39-4.17")


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def refused(clinic, private_media, **changes) -> dict:
    """Try an upload with these changes; return the errors by field, after checking nothing was stored."""
    arguments = {
        "actor": clinic.doctor,
        "patient": clinic.patient,
        "kind": "laboratory",
        "title": "Общий анализ крови",
        "issued_on": timezone.localdate(),
        "uploaded_file": upload(),
        **changes,
    }
    with pytest.raises(ValidationError) as caught:
        document_add(**arguments)
    assert not Document.objects.exists()
    assert not stored_files(private_media)
    assert not AuditEntry.objects.filter(object_type="records.Document").exists()
    return caught.value.message_dict


@pytest.mark.req("DSM80-22.5")
def test_an_upload_stores_the_file_its_fingerprint_and_a_journal_entry(clinic, private_media):
    document = add_document(clinic.doctor, clinic.patient, title="  Заключение  ", name="Заключение.PDF")
    assert document.title == "Заключение"
    assert document.organisation == clinic.doctor.organisation
    assert (document.content_type, document.size) == ("application/pdf", len(PDF))
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.original_name == "Заключение.PDF"
    [path] = stored_files(private_media)
    assert path.read_bytes() == PDF
    assert path.name == f"{document.uuid}.pdf"  # never the uploaded name
    assert path.stat().st_mode & 0o077 == 0  # readable by the server's own user only
    entry = AuditEntry.objects.get(action="create", object_type="records.Document")
    assert entry.actor == clinic.doctor and entry.patient == clinic.patient
    assert entry.object_id == str(document.pk)
    assert entry.fields["sha256"] == [None, document.sha256]


def test_the_type_is_told_by_the_content_not_the_name(clinic):
    document = add_document(clinic.doctor, clinic.patient, name="scan.pdf", content=PNG, content_type="application/pdf")
    assert document.content_type == "image/png"
    assert document.original_name == "scan.pdf.png"  # downloaded with the extension of what it really is


def test_a_file_name_is_stripped_of_folders_and_control_characters():
    assert safe_file_name("..\\..\\windows\\evil\r\n.pdf", "application/pdf") == "evil.pdf"
    assert safe_file_name("/etc/passwd", "image/jpeg") == "passwd.jpg"
    assert safe_file_name("", "image/png") == "document.png"
    assert safe_file_name("photo.JPEG", "image/jpeg") == "photo.JPEG"


def test_a_file_over_the_limit_is_refused(clinic, private_media, settings, english):
    settings.RECORDS_MAX_UPLOAD_BYTES = 50
    errors = refused(clinic, private_media, uploaded_file=upload(content=PDF + b" " * 100))
    assert "too large" in errors["file"][0] and "50" in errors["file"][0]


def test_a_program_renamed_to_pdf_is_refused(clinic, private_media, english):
    errors = refused(clinic, private_media, uploaded_file=upload("report.pdf", EXE, "application/pdf"))
    assert errors["file"] == ["Only PDF, JPEG and PNG files are accepted, and this file is none of them."]


def test_an_empty_file_is_refused(clinic, private_media, english):
    errors = refused(clinic, private_media, uploaded_file=upload("empty.pdf", b""))
    assert errors["file"] == ["The file is empty."]


def test_a_missing_title_kind_and_future_date_are_said_together_with_a_bad_file(clinic, private_media, english):
    errors = refused(
        clinic,
        private_media,
        title="   ",
        kind="selfie",
        issued_on=timezone.localdate() + datetime.timedelta(days=1),
        uploaded_file=upload("x.pdf", EXE),
    )
    assert errors["title"] == ["Enter the document's title."]
    assert errors["kind"] == ["Choose what kind of document this is."]
    assert errors["issued_on"] == ["The issue date cannot be in the future."]
    assert "file" in errors


def test_a_failure_after_the_file_is_written_leaves_no_row_and_no_file(clinic, private_media):
    # shared_with_patient=None passes every check but the database's NOT NULL, after the file is stored.
    with pytest.raises(IntegrityError):
        add_document(clinic.doctor, clinic.patient, shared=None)
    assert not Document.objects.exists()
    assert not stored_files(private_media)


@pytest.mark.req("DSM80-10")
def test_only_staff_allowed_to_add_for_a_patient_they_see_may_upload(clinic, other_clinic_doctor, private_media):
    with pytest.raises(PermissionDenied):
        add_document(clinic.registrar, clinic.patient)
    with pytest.raises(PermissionDenied):
        add_document(clinic.nurse, clinic.patient)  # nurses read documents, doctors add them
    with pytest.raises(Http404):
        add_document(other_clinic_doctor, clinic.patient)
    assert not Document.objects.exists() and not stored_files(private_media)


def test_a_merged_record_takes_no_new_documents(clinic, org):
    keep = PatientFactory(organisation=org.organisation, site=org.sites[0])
    merged = PatientFactory(organisation=org.organisation, site=org.sites[0], is_active=False, merged_into=keep)
    with pytest.raises(ValidationError):
        add_document(clinic.doctor, merged)


@pytest.mark.req("DSM80-22.5")
@pytest.mark.req("DSM39-4.18")
def test_opening_a_document_is_journaled_as_an_export_and_checks_access(clinic, other_clinic_doctor):
    document = add_document(clinic.doctor, clinic.patient, shared=False)
    with document_open(actor=clinic.nurse, document=document, via="staff") as handle:
        assert handle.read() == PDF
    entry = AuditEntry.objects.get(action="export", object_id=str(document.pk))
    assert entry.actor == clinic.nurse and entry.patient == clinic.patient and entry.fields["via"] == "staff"
    for outsider in (other_clinic_doctor, clinic.registrar, clinic.patient.user):  # not shared: not for the patient
        for via in ("staff", "cabinet"):
            with pytest.raises(Http404):
                document_open(actor=outsider, document=document, via=via)
    assert AuditEntry.objects.filter(action="export").count() == 1


@pytest.mark.req("DSM39-4.18")
def test_a_document_opens_only_by_the_path_the_caller_names(clinic):
    document = add_document(clinic.doctor, clinic.patient)
    with pytest.raises(Http404):  # staff of the patient, but not through a cabinet of theirs
        document_open(actor=clinic.nurse, document=document, via="cabinet")
    with pytest.raises(Http404):  # the patient, but not as staff
        document_open(actor=clinic.patient.user, document=document, via="staff")
    with document_open(actor=clinic.patient.user, document=document, via="cabinet") as handle:
        assert handle.read() == PDF
    entry = AuditEntry.objects.get(action="export", object_id=str(document.pk))
    assert entry.actor == clinic.patient.user and entry.fields["via"] == "cabinet"
