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
    today = timezone.localdate()
    for representative in patient.legal_representatives.all():
        user = representative.user
        if (representative.valid_until and representative.valid_until < today) or (cabinet_only and user is None):
            continue
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


def clinician(user) -> Recipient:
    return Recipient(f"clinician-{user.pk}", user.preferred_language or "ru", user, "", user.email, is_clinician=True)
