"""Consent to personal-data access (DSM80-25 state service, DSM80-26 non-state service).

Before the staff of an organisation first open the record of a patient who is not theirs — registered in
another organisation and not attached to one of this organisation's sites — the organisation asks the
personal-data access control service, which asks the patient. The record opens only once the answer is
"granted"; the answer is kept, so the service is asked once per patient and organisation (again while
it is still pending, when the user asks to check).
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import record_exchange
from integrations.channels import DeliveryError
from integrations.client import national_request

from .choices import ConsentService, ConsentStatus
from .models import Patient, PersonalDataConsent

COUNTERPART = {ConsentService.STATE: "pd_access_state", ConsentService.NON_STATE: "pd_access_non_state"}


def consent_service_for(organisation) -> str:
    """State service for clinics in ГОБМП/ОСМС, a non-state one for private clinics: chosen per
    organisation (by code) in settings.PERSONAL_DATA_ACCESS_SERVICE, "default" for the rest."""
    choices = getattr(settings, "PERSONAL_DATA_ACCESS_SERVICE", {})
    return ConsentService(choices.get(organisation.code, choices.get("default", ConsentService.STATE)))


def is_patient_of(organisation_id: int | None, patient: Patient) -> bool:
    """Registered in the organisation or attached to one of its sites."""
    if organisation_id is None:
        return True
    if patient.organisation_id == organisation_id:
        return True
    return patient.site_id is not None and patient.site.department.organisation_id == organisation_id


def _ask(consent: PersonalDataConsent, patient: Patient) -> None:
    message_id = str(uuid.uuid4())
    outcome, detail = "", ""
    try:
        answer = national_request(
            "POST",
            "/pd-access/v1/consent-requests",
            json={
                "iin": patient.iin or patient.document_number,
                "organisation": consent.organisation.code,
                "organisation_bin": consent.organisation.bin,
                "service": consent.service,
            },
            idempotency_key=message_id,
        )
        status = answer.get("status")
        if status in ConsentStatus.values:
            consent.status = status
            consent.request_id = str(answer.get("request_id", ""))[:64]
            if status != ConsentStatus.PENDING:
                consent.answered_at = timezone.now()
        outcome = str(status)
    except DeliveryError as error:
        outcome, detail = "error", str(error)
    consent.save()
    record_exchange(
        direction="out",
        counterpart=COUNTERPART[consent.service],
        message_type="consent_request",
        message_id=message_id,
        patient=patient,
        outcome=outcome,
        detail=detail,
    )


def consent_required(user, patient: Patient, *, recheck: bool = False) -> PersonalDataConsent | None:
    """None when `user` may open the record without a consent or with one granted; otherwise the consent,
    pending or refused, to show. Asks the service when there is no answer yet."""
    organisation_id = getattr(user, "organisation_id", None)
    if is_patient_of(organisation_id, patient):
        return None
    with transaction.atomic():
        consent, created = PersonalDataConsent.objects.select_for_update().get_or_create(
            patient=patient,
            organisation_id=organisation_id,
            defaults={"service": consent_service_for(user.organisation), "requested_by": user},
        )
        if created or (recheck and consent.status != ConsentStatus.GRANTED):
            _ask(consent, patient)
    return None if consent.status == ConsentStatus.GRANTED else consent
