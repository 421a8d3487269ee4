"""Reads of the telemed app, always from what the user may see."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import User
from patients.cabinet import cabinet_patients, next_on
from scheduling.choices import REMOTE_FORMS, AppointmentStatus

from .choices import LIVE_SESSION_STATUSES
from .models import ClinicianMessage, RemoteSession
from .permissions import messages_visible_to, remote_sessions_visible_to

LIST_LIMIT = 200


def patient_sessions(user, patient) -> tuple[list[RemoteSession], list[RemoteSession]]:
    """(upcoming, past) of the patient's sessions: the live ones soonest first, then the ended ones
    latest first. One query."""
    sessions = list(
        remote_sessions_visible_to(user)
        .filter(patient=patient)
        .select_related("clinician", "appointment")
        .order_by("-scheduled_start", "-pk")[:LIST_LIMIT]
    )
    upcoming = [session for session in reversed(sessions) if session.is_live]
    past = [session for session in sessions if not session.is_live]
    return upcoming, past


def patient_messages(user, patient) -> QuerySet[ClinicianMessage]:
    return (
        messages_visible_to(user)
        .filter(patient=patient)
        .select_related("author", "read_by")
        .order_by("-created_at", "-pk")[:LIST_LIMIT]
    )


def clinician_sessions(user) -> list[RemoteSession]:
    """The clinician's sessions of today and later, and any earlier one still live (never lost from view)."""
    today = datetime.datetime.combine(timezone.localdate(), datetime.time.min, timezone.get_default_timezone())
    return list(
        RemoteSession.objects.filter(clinician=user)
        .filter(Q(scheduled_start__gte=today) | Q(status__in=LIVE_SESSION_STATUSES))
        .select_related("patient")
        .order_by("scheduled_start", "pk")[:LIST_LIMIT]
    )


def session_for(user, uuid) -> QuerySet[RemoteSession]:
    return remote_sessions_visible_to(user).select_related("patient", "clinician", "appointment__service").filter(uuid=uuid)


def cabinet_message(user, uuid) -> QuerySet[ClinicianMessage]:
    """A message to one of the persons of the user's personal cabinet: the cabinet opens no other, even
    to a user who also writes messages as a clinician."""
    return (
        messages_visible_to(user)
        .filter(patient__in=cabinet_patients(user), uuid=uuid)
        .select_related("patient", "author", "read_by")
    )


def clinicians_for(user) -> QuerySet[User]:
    """Whom this user may schedule a remote session with: active users whose role in one of the user's
    organisations lets them conduct remote sessions."""
    organisation_ids = {assignment.organisation_id for assignment in user.active_role_assignments()}
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__organisation_id__in=organisation_ids,
            role_assignments__role__permissions__content_type__app_label="telemed",
            role_assignments__role__permissions__codename="conduct_remote_session",
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def remote_appointments(patient):
    """The patient's booked remote appointments still ahead: what a session may be held for."""
    return (
        patient.appointments.filter(
            status=AppointmentStatus.BOOKED,
            form__in=REMOTE_FORMS,
            starts_at__gte=timezone.now() - datetime.timedelta(hours=1),
        )
        .select_related("clinician")
        .order_by("starts_at")
    )


def next_session_summary(patient) -> str:
    """The cabinet overview's line: when the person's next remote session is."""
    starts = (
        RemoteSession.objects.filter(patient=patient, status__in=LIVE_SESSION_STATUSES)
        .order_by("scheduled_start")
        .values_list("scheduled_start", flat=True)
        .first()
    )
    return next_on(starts) if starts else ""


def unread_messages_summary(patient) -> str:
    count = ClinicianMessage.objects.filter(patient=patient, read_at__isnull=True).count()
    return ngettext("%(count)s unread", "%(count)s unread", count) % {"count": count} if count else ""
