import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from records.choices import DocumentKind
from records.services import document_add

# The smallest files that are what they claim, by their leading bytes.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48  # a Windows program


def upload(name: str = "conclusion.pdf", content: bytes = PDF, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def add_document(
    actor,
    patient,
    *,
    title: str = "Заключение терапевта",
    shared: bool = True,
    days_ago: int = 0,
    kind: str = DocumentKind.CONSULTATION,
    **upload_kwargs,
):
    """A document added as a clinician would: through the service."""
    return document_add(
        actor=actor,
        patient=patient,
        kind=kind,
        title=title,
        issued_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        uploaded_file=upload(**upload_kwargs),
        shared_with_patient=shared,
    )
