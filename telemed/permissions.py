"""Who sees which remote sessions and clinicians' messages.

Staff holding `telemed.conduct_remote_session` see those of the patients they may see at the clinical
level; the session's clinician and a message's author always see theirs; the patient and their legal
representatives see the patient's own (the personal cabinet)."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.access import patients_visible_to
from accounts.choices import AccessLevel
from patients.cabinet import cabinet_patients

from .choices import SessionStatus
from .models import ClinicianMessage, RemoteSession

CONDUCT = "telemed.conduct_remote_session"
# Sessions and messages say what a patient is treated for: more than the demographic level.
LEVEL = AccessLevel.CLINICAL_SUMMARY


# A scheduled session opens the patient to its clinician only this near its start, either side of now:
# enough to prepare and to follow up, not for weeks ahead of a session or after one never held.
TREATING_WINDOW = datetime.timedelta(hours=24)


def treated_in_session_q(user) -> Q:
    """The patients this user treats through a remote session (a Q over Patient, DSM80-10): one under way
    or with the patient in the waiting room, or one scheduled within `TREATING_WINDOW` of now."""
    now = timezone.now()
    return Q(remote_sessions__clinician=user) & (
        Q(remote_sessions__status__in=[SessionStatus.WAITING, SessionStatus.IN_PROGRESS])
        | Q(
            remote_sessions__status=SessionStatus.SCHEDULED,
            remote_sessions__scheduled_start__range=(now - TREATING_WINDOW, now + TREATING_WINDOW),
        )
    )


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
