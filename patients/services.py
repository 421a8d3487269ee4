"""Writes of the patients app. Each one is a transaction that writes its audit entries inside it."""

import datetime
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ForeignKey, OneToOneField
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import SecurityEventType
from accounts.journal import security_event
from accounts.models import User
from accounts.roles import Role
from accounts.services import role_assign
from audit.choices import AuditAction
from audit.services import record, record_many
from integrations.services import outbox_enqueue

from .choices import InsuranceStatus
from .models import AttachmentHistory, LegalRepresentative, Patient, SignUpCode
from .transliteration import to_latin

# What a registrar types on the registration form.
PATIENT_FIELDS = (
    "iin",
    "without_iin",
    "document_type",
    "document_number",
    "last_name",
    "first_name",
    "middle_name",
    "last_name_latin",
    "first_name_latin",
    "middle_name_latin",
    "birth_date",
    "sex",
    "citizenship",
    "registration_address",
    "actual_address",
    "phone",
    "phone_secondary",
    "email",
    "preferred_language",
    "insurance_status",
)
SIGN_UP_CODE_LIFETIME = datetime.timedelta(minutes=10)
SIGN_UP_CODE_ATTEMPTS = 5
SIGN_UP_CODES_PER_WINDOW = 3
SIGN_UP_CODE_WINDOW = datetime.timedelta(hours=1)


def _json(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _fill_latin(patient: Patient) -> None:
    for name in ("last_name", "first_name", "middle_name"):
        if not getattr(patient, f"{name}_latin"):
            setattr(patient, f"{name}_latin", to_latin(getattr(patient, name)))


def _save_unique(patient: Patient) -> None:
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError as error:
        if "patient_iin_unique" in str(error):
            raise ValidationError({"iin": _("A patient with this IIN is already registered.")}) from None
        raise


def _attach(*, actor, patient: Patient, site, reason: str = "") -> None:
    now = timezone.now()
    AttachmentHistory.objects.filter(patient=patient, detached_at__isnull=True).update(detached_at=now)
    if site is not None:
        AttachmentHistory.objects.create(patient=patient, site=site, attached_at=now, reason=reason, actor=actor)


@transaction.atomic
def patient_register(*, actor, organisation, site=None, registry_checked: bool = False, **fields) -> Patient:
    """Register a new patient in the organisation, attached to `site` when given."""
    patient = Patient(
        organisation=organisation, site=site, **{name: value for name, value in fields.items() if name in PATIENT_FIELDS}
    )
    _fill_latin(patient)
    if registry_checked:
        patient.registry_checked_at = timezone.now()
    if patient.insurance_status != InsuranceStatus.UNKNOWN:
        patient.insurance_checked_at = timezone.now()
    patient.full_clean(validate_constraints=False)
    _save_unique(patient)
    if site is not None:
        _attach(actor=actor, patient=patient, site=site, reason=_("Registration"))
    record(
        actor=actor,
        action=AuditAction.CREATE,
        patient=patient,
        obj=patient,
        fields={name: [None, _json(getattr(patient, name))] for name in (*PATIENT_FIELDS, "site")},
    )
    return patient


@transaction.atomic
def patient_update(
    *, actor, patient: Patient, registry_checked: bool = False, attachment_reason: str = "", **fields
) -> Patient:
    """Change a patient's data; a new site closes the open attachment and opens another."""
    changes = {}
    for name, value in fields.items():
        if name not in (*PATIENT_FIELDS, "site"):
            continue
        old = getattr(patient, name)
        if old != value:
            changes[name] = [_json(old), _json(value)]
            setattr(patient, name, value)
    if registry_checked:
        patient.registry_checked_at = timezone.now()
    if "insurance_status" in changes:
        patient.insurance_checked_at = timezone.now()
    if not changes and not registry_checked:
        return patient
    patient.full_clean(validate_constraints=False)
    _save_unique(patient)
    if "site" in changes:
        _attach(actor=actor, patient=patient, site=patient.site, reason=attachment_reason)
    record(actor=actor, action=AuditAction.UPDATE, patient=patient, obj=patient, fields=changes)
    return patient


@transaction.atomic
def patients_reattach(*, actor, patients: list[Patient], site, reason: str) -> int:
    """Move many patients to another site at once (a site re-division): one UPDATE for the patients, one for
    the open attachments, one INSERT for the new ones and one for their audit entries."""
    moving = [patient for patient in patients if patient.site_id != site.pk]
    if not moving:
        return 0
    now = timezone.now()
    ids = [patient.pk for patient in moving]
    Patient.objects.filter(pk__in=ids).update(site=site, updated_at=now)
    AttachmentHistory.objects.filter(patient_id__in=ids, detached_at__isnull=True).update(detached_at=now)
    AttachmentHistory.objects.bulk_create(
        AttachmentHistory(patient=patient, site=site, attached_at=now, reason=reason, actor=actor) for patient in moving
    )
    record_many(
        actor=actor,
        action=AuditAction.UPDATE,
        reason=reason,
        entries=[{"patient": p, "obj": p, "fields": {"site": [p.site_id, site.pk]}} for p in moving],
    )
    return len(moving)


@transaction.atomic
def representative_add(*, actor, patient: Patient, **fields) -> LegalRepresentative:
    """Record a legal representative; linked to a user account of the same IIN when there is one."""
    representative = LegalRepresentative(patient=patient, **fields)
    representative.user = User.objects.filter(iin=representative.iin, is_active=True).first()
    representative.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            representative.save()
    except IntegrityError:
        raise ValidationError({"iin": _("This person is already a representative of the patient.")}) from None
    record(
        actor=actor,
        action=AuditAction.CREATE,
        patient=patient,
        obj=representative,
        fields={
            name: [None, _json(getattr(representative, name))]
            for name in ("kind", "iin", "last_name", "first_name", "document_name", "document_number")
        },
    )
    return representative


@transaction.atomic
def representative_remove(*, actor, representative: LegalRepresentative) -> None:
    record(
        actor=actor,
        action=AuditAction.DELETE,
        patient=representative.patient,
        obj=representative,
        fields={"iin": [representative.iin, None], "kind": [representative.kind, None]},
    )
    representative.delete()


# Fields of the kept record filled from the duplicate when the kept one has them blank.
MERGE_FILLED = (
    "phone",
    "phone_secondary",
    "email",
    "registration_address",
    "actual_address",
    "last_name_latin",
    "first_name_latin",
    "middle_name_latin",
    "oid_identifier",
)


@transaction.atomic
def patient_merge(*, actor, keep: Patient, duplicate: Patient, reason: str = "") -> Patient:
    """Merge `duplicate` into `keep`: every reference to the duplicate moves to the kept record (the audit
    journal excepted: it keeps what happened to whom); the duplicate stays, inactive, with a pointer."""
    keep, duplicate = (Patient.objects.select_for_update().get(pk=pk) for pk in (keep.pk, duplicate.pk))
    if keep.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    if not keep.is_active or not duplicate.is_active:
        raise ValidationError(_("Only active records can be merged."))
    if keep.iin and duplicate.iin and keep.iin != duplicate.iin:
        raise ValidationError(_("The records have different IINs: they are different persons."))
    if keep.user_id and duplicate.user_id:
        raise ValidationError(_("Both records have a personal cabinet account; deactivate one first."))
    moved = {}
    # Hidden relations (related_name="+") too: the outbox and the journal point at patients that way.
    relations = [f for f in Patient._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
    for relation in relations:
        if relation.related_model._meta.app_label == "audit" or relation.related_model is Patient:
            continue
        field = relation.field
        if not isinstance(field, ForeignKey) or isinstance(field, OneToOneField):
            continue
        count = relation.related_model._base_manager.filter(**{field.name: duplicate}).update(**{field.name: keep})
        if count:
            moved[relation.related_model._meta.label] = count
    Patient.objects.filter(merged_into=duplicate).update(merged_into=keep)
    user = duplicate.user
    duplicate_changes = {"is_active": [True, False], "merged_into": [None, keep.pk]}
    if user is not None:
        duplicate_changes["user"] = [user.pk, None]
    duplicate.is_active, duplicate.merged_into, duplicate.user = False, keep, None
    duplicate.save(update_fields=["is_active", "merged_into", "user", "updated_at"])
    changes = {"merged_from": [None, duplicate.pk]}
    for name in MERGE_FILLED + ("iin",):
        if not getattr(keep, name) and getattr(duplicate, name):
            changes[name] = [getattr(keep, name), getattr(duplicate, name)]
            setattr(keep, name, getattr(duplicate, name))
    if "iin" in changes:
        keep.without_iin = False
    if user is not None:
        keep.user = user
        changes["user"] = [None, user.pk]
    keep.save()
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=duplicate,
        obj=duplicate,
        fields=duplicate_changes,
        reason=reason or _("Merged into another record"),
    )
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient=keep,
        obj=keep,
        fields={**changes, "moved": [None, moved]},
        reason=reason or _("Duplicate merged in"),
    )
    return keep


def patient_viewed(*, actor, patient: Patient, what: str = "demographics") -> None:
    record(actor=actor, action=AuditAction.VIEW, patient=patient, obj=patient, fields={"part": what})


def patient_printed(*, actor, patient: Patient, document: str, language: str) -> None:
    record(
        actor=actor,
        action=AuditAction.PRINT,
        patient=patient,
        obj=patient,
        fields={"document": document, "language": language},
    )


# --- Sign-up for the personal cabinet ----------------------------------------------------------------
def _normalise_phone(phone: str) -> str:
    digits = "".join(char for char in phone if char.isdigit())
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    return f"+{digits}" if digits else ""


def _sign_up_subjects(iin: str, phone: str) -> tuple[Patient | None, list[LegalRepresentative]]:
    """The patient record and the representations this IIN and phone identify, for a person without an
    account yet."""
    phone = _normalise_phone(phone)
    patient = Patient.objects.filter(iin=iin, is_active=True, user__isnull=True).first()
    if patient is not None and _normalise_phone(patient.phone) != phone:
        patient = None
    representations = [
        r for r in LegalRepresentative.objects.filter(iin=iin, user__isnull=True) if _normalise_phone(r.phone) == phone
    ]
    return patient, representations


@transaction.atomic
def sign_up_code_send(*, iin: str, phone: str, language: str = "ru") -> SignUpCode | None:
    """Send a one-time code by SMS when the IIN and phone belong to a person who may sign up.

    Returns None otherwise; the page says the same either way so that it does not confirm who is a patient.
    """
    if User.objects.filter(iin=iin).exists():
        return None
    recent = SignUpCode.objects.filter(iin=iin, created_at__gte=timezone.now() - SIGN_UP_CODE_WINDOW).count()
    if recent >= SIGN_UP_CODES_PER_WINDOW:  # no SMS flood to someone else's phone
        return None
    patient, representations = _sign_up_subjects(iin, phone)
    if patient is None and not representations:
        return None
    code = f"{secrets.randbelow(1_000_000):06d}"
    entry = SignUpCode.objects.create(
        iin=iin,
        phone=_normalise_phone(phone),
        code_hash=make_password(code),
        expires_at=timezone.now() + SIGN_UP_CODE_LIFETIME,
    )
    with translation.override(patient.preferred_language if patient else language):
        text = _("Your personal cabinet sign-up code: %(code)s. It is valid for %(minutes)s minutes.") % {
            "code": code,
            "minutes": int(SIGN_UP_CODE_LIFETIME.total_seconds() // 60),
        }
    outcome_patient = patient or representations[0].patient
    outbox_enqueue(
        channel="sms",
        payload={"type": "sign_up_code", "phone": entry.phone, "text": text},
        idempotency_key=f"sign-up-code:{entry.uuid}",
        patient=outcome_patient,
    )
    return entry


class SignUpRefused(Exception):
    """reason: expired, attempts, wrong"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def sign_up_code_check(*, entry_id: int, code: str) -> SignUpCode:
    """The code entry when `code` matches; counts the attempt otherwise. Raises SignUpRefused."""
    with transaction.atomic():
        entry = SignUpCode.objects.select_for_update().filter(pk=entry_id, used_at__isnull=True).first()
        if entry is None or entry.expires_at <= timezone.now():
            raise SignUpRefused("expired")
        if entry.attempts >= SIGN_UP_CODE_ATTEMPTS:
            raise SignUpRefused("attempts")
        entry.attempts += 1
        entry.save(update_fields=["attempts", "updated_at"])
        matches = check_password(code, entry.code_hash)
    if not matches:
        raise SignUpRefused("attempts" if entry.attempts >= SIGN_UP_CODE_ATTEMPTS else "wrong")
    return entry


@transaction.atomic
def sign_up_complete(*, entry: SignUpCode, password: str) -> User:
    """Create the person's account with the patient role, linked to their record and representations."""
    entry = SignUpCode.objects.select_for_update().get(pk=entry.pk, used_at__isnull=True)
    patient, representations = _sign_up_subjects(entry.iin, entry.phone)
    if patient is None and not representations:
        raise SignUpRefused("expired")
    person = patient or representations[0]
    user = User(
        username=entry.iin,
        iin=entry.iin,
        last_name=person.last_name,
        first_name=person.first_name,
        middle_name=person.middle_name,
        email=getattr(patient, "email", ""),
        preferred_language=getattr(patient, "preferred_language", "ru"),
    )
    user.set_password(password)
    user.save()
    organisation = (patient or representations[0].patient).organisation
    role_assign(user=user, role=Role.PATIENT, organisation=organisation)
    entry.used_at = timezone.now()
    entry.save(update_fields=["used_at", "updated_at"])
    if patient is not None:
        patient.user = user
        patient.save(update_fields=["user", "updated_at"])
        record(
            actor=user,
            action=AuditAction.UPDATE,
            patient=patient,
            obj=patient,
            fields={"user": [None, user.pk]},
            reason=_("Signed up for the personal cabinet"),
        )
    for representation in representations:
        representation.user = user
        representation.save(update_fields=["user", "updated_at"])
        record(
            actor=user,
            action=AuditAction.UPDATE,
            patient=representation.patient,
            obj=representation,
            fields={"user": [None, user.pk]},
            reason=_("Signed up for the personal cabinet"),
        )
    security_event(event=SecurityEventType.USER_CREATED, user=user, details={"via": "cabinet_sign_up"})
    return user


@transaction.atomic
def patient_invite(*, actor, patient: Patient, base_url: str) -> None:
    """Send the patient an SMS with the link to sign up for the personal cabinet."""
    if not patient.phone:
        raise ValidationError(_("The patient has no phone number."))
    link = base_url.rstrip("/") + reverse("patients:sign_up")
    with translation.override(patient.preferred_language):
        text = _("Sign up for your personal cabinet: %(link)s") % {"link": link}
    outbox_enqueue(
        channel="sms",
        payload={"type": "cabinet_invite", "phone": patient.phone, "text": text},
        idempotency_key=f"cabinet-invite:{patient.uuid}:{timezone.now():%Y%m%d%H%M}",
        patient=patient,
    )
    record(actor=actor, action=AuditAction.TRANSMIT, patient=patient, obj=patient, fields={"message": "cabinet_invite"})
