"""Writes, and journaled reads, of clinical documents (DSM39-4.10 in part, DSM39-4.17, DSM80-22.5).

Every read of a document's file and every change is journaled in the same transaction as the work.
"""

import hashlib
import os
import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_access_patient, require_patient_access
from accounts.choices import AccessLevel
from audit.choices import AuditAction
from audit.services import record
from patients.cabinet import cabinet_patients

from .choices import DocumentKind
from .models import FILE_TYPES, Document

# Staff need at least the clinical summary of a patient to see or add their documents (DSM80-10).
DOCUMENT_LEVEL = AccessLevel.CLINICAL_SUMMARY


def max_upload_bytes() -> int:
    return getattr(settings, "RECORDS_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)


def detect_content_type(head: bytes) -> str | None:
    """The accepted type the file's first bytes announce, or None."""
    return next((content_type for content_type, kind in FILE_TYPES.items() if head.startswith(kind.magic)), None)


def _inspect(uploaded_file) -> tuple[str, int, str]:
    """(content type, size, SHA-256) of an acceptable upload; a ValidationError on `file` otherwise."""
    limit = max_upload_bytes()
    if uploaded_file is None:
        raise ValidationError({"file": _("Choose a file.")}, code="required")
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)}
            },
            code="too_large",
        )
    uploaded_file.seek(0)
    content_type = detect_content_type(uploaded_file.read(16))
    uploaded_file.seek(0)
    digest, size = hashlib.sha256(), 0
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
        size += len(chunk)
    uploaded_file.seek(0)
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")}, code="empty")
    if size > limit:  # the declared size may lie
        raise ValidationError(
            {"file": _("The file is too large; the limit is %(limit)s.") % {"limit": filesizeformat(limit)}},
            code="too_large",
        )
    if content_type is None:
        raise ValidationError(
            {"file": _("Only PDF, JPEG and PNG files are accepted, and this file is none of them.")},
            code="file_type",
        )
    return content_type, size, digest.hexdigest()


def safe_file_name(name: str, content_type: str) -> str:
    """The uploaded name without any folder or control characters, ending in its real type's extension."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip().strip(".") or "document"
    stem, extension = os.path.splitext(name)
    extensions = FILE_TYPES[content_type].extensions
    if extension.lower() not in extensions:
        stem, extension = name, extensions[0]
    return f"{stem[:200]}{extension}"


def _author_organisation_id(actor) -> int:
    organisation_id = actor.organisation_id or next(
        (assignment.organisation_id for assignment in actor.active_role_assignments()), None
    )
    if organisation_id is None:
        raise PermissionDenied(_("Only staff of an organisation add documents."))
    return organisation_id


def _field_errors(*, kind: str, title: str, issued_on) -> dict:
    errors: dict = {}
    if kind not in DocumentKind.values:
        errors["kind"] = _("Choose what kind of document this is.")
    if not title:
        errors["title"] = _("Enter the document's title.")
    elif len(title) > Document._meta.get_field("title").max_length:
        errors["title"] = _("The title is too long.")
    if issued_on is None:
        errors["issued_on"] = _("Enter the date the document was issued.")
    elif issued_on > timezone.localdate():
        errors["issued_on"] = _("The issue date cannot be in the future.")
    return errors


def document_add(
    *, actor, patient, kind: str, title: str, issued_on, uploaded_file, shared_with_patient: bool = True
) -> Document:
    """Store an uploaded clinical document of the patient: the file, its row and the journal entry, all or
    nothing. Only PDF, JPEG and PNG (told by the content, not the name), not empty, within the size limit."""
    if not actor.has_perm("records.add_document"):
        raise PermissionDenied(_("Your roles do not allow adding documents."))
    require_patient_access(actor, patient, DOCUMENT_LEVEL)
    organisation_id = _author_organisation_id(actor)
    if not patient.is_active:
        raise ValidationError(_("This patient's record was merged into another one; add the document there."))
    title = (title or "").strip()
    errors = _field_errors(kind=kind, title=title, issued_on=issued_on)
    try:
        content_type, size, sha256 = _inspect(uploaded_file)
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)

    document = Document(
        patient=patient,
        organisation_id=organisation_id,
        author=actor,
        kind=kind,
        title=title,
        issued_on=issued_on,
        original_name=safe_file_name(uploaded_file.name, content_type),
        content_type=content_type,
        size=size,
        sha256=sha256,
        shared_with_patient=shared_with_patient,
    )
    stored = ""
    try:
        with transaction.atomic():
            document.file.save(document.original_name, uploaded_file, save=False)
            stored = document.file.name
            document.save()
            record(
                actor=actor,
                action=AuditAction.CREATE,
                patient=patient,
                obj=document,
                fields={
                    "kind": [None, kind],
                    "title": [None, title],
                    "issued_on": [None, issued_on.isoformat()],
                    "sha256": [None, sha256],
                    "shared_with_patient": [None, shared_with_patient],
                },
            )
    except BaseException:
        # Nothing half-written: the row is rolled back, so the file goes too. (Should a caller's own outer
        # transaction roll back later, the file stays behind without a row; it is never served then.)
        if stored:
            document.file.storage.delete(stored)
        raise
    return document


def _may_open(actor, document: Document, via: str) -> bool:
    """Whether the actor reaches the document by exactly this path: as staff of the patient, or through the
    personal cabinet of a person they may open it for."""
    if via == "staff":
        return actor.has_perm("records.view_document") and can_access_patient(actor, document.patient, DOCUMENT_LEVEL)
    if via == "cabinet":
        return document.shared_with_patient and cabinet_patients(actor).filter(pk=document.patient_id).exists()
    raise ValueError(f"Unknown way to open a document: {via!r}")


@transaction.atomic
def document_open(*, actor, document: Document, via: str) -> File:
    """The document's file, opened for download once the actor's access by `via` ("staff" or "cabinet") is
    checked (404 otherwise); journaled as an export (the file leaves the system). The caller closes the
    handle (a FileResponse does)."""
    if not _may_open(actor, document, via):
        raise Http404(_("No such document."))
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except FileNotFoundError:
        raise Http404(_("The file of this document is missing; tell the administrator.")) from None
    try:
        record(
            actor=actor,
            action=AuditAction.EXPORT,
            patient=document.patient,
            obj=document,
            fields={"via": via, "kind": document.kind, "sha256": document.sha256},
        )
    except BaseException:
        handle.close()
        raise
    return handle


def documents_viewed(*, actor, patient, documents: Iterable[Document], via: str) -> None:
    """Journal that a list of the patient's documents (their titles and kinds) was read."""
    record(
        actor=actor,
        action=AuditAction.VIEW,
        patient=patient,
        obj=patient,
        fields={"part": "documents", "via": via, "documents": [str(document.uuid) for document in documents]},
    )
