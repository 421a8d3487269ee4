"""Reads of clinical documents, always from what the user may see."""

from django.db.models import QuerySet
from django.utils.translation import ngettext

from accounts.access import can_access_patient, patients_visible_to

from .models import Document
from .services import DOCUMENT_LEVEL

NEWEST_FIRST = ("-issued_on", "-created_at", "-pk")


def documents_visible_to_staff(user) -> QuerySet[Document]:
    """Documents of the patients whose clinical data the user's roles and relations open."""
    if not user.is_authenticated or not user.has_perm("records.view_document"):
        return Document.objects.none()
    return Document.objects.filter(patient__in=patients_visible_to(user, DOCUMENT_LEVEL))


def documents_for_patient_staff(user, patient) -> QuerySet[Document]:
    """The patient's documents, newest first, for staff who may see them (none otherwise)."""
    if not user.has_perm("records.view_document") or not can_access_patient(user, patient, DOCUMENT_LEVEL):
        return Document.objects.none()
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
