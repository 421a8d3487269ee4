"""Test data for telemed, made through the services as a clinician would."""

import datetime

from django.utils import timezone

from telemed.services import remote_session_schedule


def soon(minutes: int = 10) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def schedule_session(*, doctor, patient, clinician=None, minutes: int = 10, form: str = "video", appointment=None):
    """A session `minutes` from now (its waiting room open when within 30), scheduled by `doctor`."""
    return remote_session_schedule(
        actor=doctor,
        patient=patient,
        clinician=clinician or doctor,
        scheduled_start=soon(minutes),
        form=form,
        appointment=appointment,
    )
