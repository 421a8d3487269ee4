"""Reads of clinical documents, always from what the user may see."""

from django.db.models import QuerySet
from django.utils.translation import ngettext

from accounts.access import can_access_patient

from .models import Document
from .services import DOCUMENT_LEVEL

NEWEST_FIRST = ("-issued_on", "-created_at", "-pk")


def document_for_staff(user, uuid) -> Document | None:
    """The document with this UUID when the user may see it as staff, else None. Fetched by its key and then
    checked, as `patients.selectors.patient_for_staff` is: cheaper than filtering through every way a user
    may reach a patient."""
    if not user.has_perm("records.view_document"):
        return None
    try:
        document = Document.objects.select_related("patient__site", "patient__organisation").get(uuid=uuid)
    except Document.DoesNotExist:
        return None
    return document if can_access_patient(user, document.patient, DOCUMENT_LEVEL) else None


def documents_for_patient_staff(patient) -> QuerySet[Document]:
    """The patient's documents, newest first, for a patient the caller has already checked the staff user
    may see at DOCUMENT_LEVEL (`patients.views.staff_patient`)."""
    return Document.objects.filter(patient=patient).select_related("author", "organisation").order_by(*NEWEST_FIRST)


def documents_for_cabinet(patient) -> QuerySet[Document]:
    """What the personal cabinet of `patient` shows: their documents shared with them, newest first."""
    if patient is None:
        return Document.objects.none()
    return (
        Document.objects.filter(patient=patient, shared_with_patient=True)
        .select_related("organisation")
        .order_by(*NEWEST_FIRST)
    )


def documents_summary(patient) -> str:
    """The cabinet overview's line: how many documents the person can read there."""
    count = documents_for_cabinet(patient).count()
    return ngettext("%(count)s document", "%(count)s documents", count) % {"count": count} if count else ""
