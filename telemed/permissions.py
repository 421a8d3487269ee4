"""Who sees which remote sessions and clinicians' messages.

Staff holding `telemed.conduct_remote_session` see those of the patients they may see at the clinical
level; the session's clinician and a message's author always see theirs; the patient and their legal
representatives see the patient's own (the personal cabinet)."""

from django.db.models import Q, QuerySet

from accounts.access import patients_visible_to
from accounts.choices import AccessLevel
from patients.cabinet import cabinet_patients

from .models import ClinicianMessage, RemoteSession

CONDUCT = "telemed.conduct_remote_session"
# Sessions and messages say what a patient is treated for: more than the demographic level.
LEVEL = AccessLevel.CLINICAL_SUMMARY


def is_clinician(user) -> bool:
    return user.is_authenticated and user.has_perm(CONDUCT)


def remote_sessions_visible_to(user) -> QuerySet[RemoteSession]:
    if not user.is_authenticated:
        return RemoteSession.objects.none()
    q = Q(clinician=user) | Q(patient__in=cabinet_patients(user))
    if user.has_perm(CONDUCT):
        q |= Q(patient__in=patients_visible_to(user, LEVEL))
    return RemoteSession.objects.filter(q)


def messages_visible_to(user) -> QuerySet[ClinicianMessage]:
    if not user.is_authenticated:
        return ClinicianMessage.objects.none()
    q = Q(author=user) | Q(patient__in=cabinet_patients(user))
    if user.has_perm(CONDUCT):
        q |= Q(patient__in=patients_visible_to(user, LEVEL))
    return ClinicianMessage.objects.filter(q)


def is_patient_side(user, patient) -> bool:
    """The patient themself, or a legal representative whose right is in force."""
    return cabinet_patients(user).filter(pk=patient.pk).exists()
