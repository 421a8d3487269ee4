"""Clinical documents of a patient: a file with what it is, who issued it and whether the patient sees it.

A later issue adds EDS signatures, structured records and PDF rendering on top of `Document`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from mis.models import BaseModel

from .choices import DocumentKind
from .storage import document_storage


@dataclass(frozen=True)
class FileType:
    """A type a document's file may be: told by its leading bytes, whatever its name or the browser says."""

    magic: bytes
    extensions: tuple[str, ...]  # the first is the one the stored file gets


# The only list of accepted types: detection, file names, the form's `accept` and the constraint derive from it.
FILE_TYPES = {
    "application/pdf": FileType(b"%PDF-", (".pdf",)),
    "image/jpeg": FileType(b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": FileType(b"\x89PNG\r\n\x1a\n", (".png",)),
}


def document_path(document: "Document", filename: str) -> str:
    """<year>/<month>/<uuid><ext>: never the uploaded name, which may hold a path or the patient's name."""
    file_type = FILE_TYPES.get(document.content_type)
    return f"{timezone.localdate():%Y/%m}/{document.uuid}{file_type.extensions[0] if file_type else ''}"


class Document(BaseModel):
    """A clinical document of a patient (медицинский документ): a conclusion, a result, a certificate...

    The file itself is in a private storage and leaves only through the journaled download views.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="documents", verbose_name=_("patient")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=255)
    issued_on = models.DateField(_("issued on"))
    file = models.FileField(_("file"), storage=document_storage, upload_to=document_path, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    shared_with_patient = models.BooleanField(
        _("shown in the personal cabinet"),
        default=True,
        help_text=_("Untick for a draft or internal document the patient should not see in their cabinet."),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            models.Index(fields=["patient", "-issued_on", "-created_at"], name="document_patient_newest"),
            models.Index(
                fields=["patient", "-issued_on", "-created_at"],
                condition=Q(shared_with_patient=True),
                name="document_patient_shared",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
            models.CheckConstraint(condition=Q(content_type__in=list(FILE_TYPES)), name="document_content_type"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="document_sha256"),
            models.CheckConstraint(condition=~Q(title=""), name="document_title"),
        ]

    def __str__(self) -> str:
        return self.title
