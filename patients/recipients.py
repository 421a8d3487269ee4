"""Who hears about a patient's care, and in which language: the patient and their legal representatives
in force, each with the phone, e-mail and cabinet account to reach them by. Notifications of every app
(appointments, clinicians' messages, monitoring) start from here."""

from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Recipient:
    key: str
    language: str
    user: object = None
    phone: str = ""
    email: str = ""
    is_clinician: bool = False


def patient_side(patient, *, cabinet_only: bool = False) -> list[Recipient]:
    """The patient, then each legal representative in force; with `cabinet_only`, only representatives
    who have a cabinet account (for news that can only be read there)."""
    language = patient.preferred_language or "ru"
    people = [
        Recipient(
            f"patient-{patient.pk}",
            language,
            patient.user,
            patient.phone,
            patient.email or (patient.user.email if patient.user else ""),
        )
    ]
    for representative in _representatives_in_force(patient, cabinet_only=cabinet_only):
        user = representative.user
        people.append(
            Recipient(
                f"representative-{representative.pk}",
                getattr(user, "preferred_language", "") or language,
                user,
                representative.phone,
                user.email if user else "",
            )
        )
    return people


def _representatives_in_force(patient, *, cabinet_only: bool) -> list:
    """The patient's legal representatives whose authority has not ended; with `cabinet_only`, only those
    with an account. Filtered here rather than in SQL so that a batch's prefetch (the reminders fetch them
    with their users for every appointment at once) serves it; a patient has few."""
    today = timezone.localdate()
    return [
        representative
        for representative in patient.legal_representatives.all()
        if (representative.valid_until is None or representative.valid_until >= today)
        and not (cabinet_only and representative.user_id is None)
    ]


def clinician(user) -> Recipient:
    return Recipient(f"clinician-{user.pk}", user.preferred_language or "ru", user, "", user.email, is_clinician=True)
