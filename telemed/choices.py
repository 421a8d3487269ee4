from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SessionForm(models.TextChoices):
    """The form of a remote session (форма дистанционной услуги)."""

    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    CHAT = "chat", _("Text chat")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    WAITING = "waiting", _("Patient in the waiting room")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", pgettext_lazy("remote session status", "Completed")
    CANCELLED = "cancelled", _("Cancelled")
    INTERRUPTED = "interrupted", _("Interrupted")


# A session is live until it ends one way or another; its clinician treats the patient meanwhile.
LIVE_SESSION_STATUSES = (SessionStatus.SCHEDULED, SessionStatus.WAITING, SessionStatus.IN_PROGRESS)

# The life cycle: from each status, where it may go.
TRANSITIONS: dict[str, frozenset[str]] = {
    SessionStatus.SCHEDULED: frozenset({SessionStatus.WAITING, SessionStatus.CANCELLED}),
    SessionStatus.WAITING: frozenset({SessionStatus.IN_PROGRESS, SessionStatus.CANCELLED}),
    SessionStatus.IN_PROGRESS: frozenset({SessionStatus.COMPLETED, SessionStatus.INTERRUPTED}),
}

# Who takes the session to a status: the patient's side (the patient or their legal representative)
# and the session's clinician.
PATIENT_MOVES = frozenset({SessionStatus.WAITING, SessionStatus.CANCELLED})
CLINICIAN_MOVES = frozenset(
    {SessionStatus.IN_PROGRESS, SessionStatus.COMPLETED, SessionStatus.INTERRUPTED, SessionStatus.CANCELLED}
)
# These need a reason in the history.
NEEDS_REASON = frozenset({SessionStatus.CANCELLED, SessionStatus.INTERRUPTED})


class MessageKind(models.TextChoices):
    """What a clinician's message to the patient is about (DSM39-4.16)."""

    ADHERENCE = "adherence", _("Recommendation on treatment adherence")
    LIFESTYLE = "lifestyle", _("Lifestyle recommendation")
    OTHER = "other", _("Other")


# What the button that takes a session to each status says.
ACTION_LABELS = {
    SessionStatus.WAITING: _("Enter the waiting room"),
    SessionStatus.IN_PROGRESS: _("Start the session"),
    SessionStatus.COMPLETED: _("Complete the session"),
    SessionStatus.INTERRUPTED: _("Interrupt the session"),
    SessionStatus.CANCELLED: _("Cancel the session"),
}
