import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Site
from mis.models import BaseModel

from .choices import (
    ConsentService,
    ConsentStatus,
    DocumentType,
    InsuranceStatus,
    Language,
    RepresentativeKind,
    Sex,
)


def search_name_expression():
    """ "SURNAME NAME" in capitals: the expression of the trigram index, reused by the search."""
    return Upper(Concat("last_name", Value(" "), "first_name", output_field=models.CharField()))


def clinic_today() -> datetime.date:
    return timezone.localdate()


class Patient(BaseModel):
    """A person registered in the clinic. IIN is unique among active records where present; a person
    without one (a foreigner) is registered with another identity document and flagged."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="patients")
    iin = models.CharField(_("IIN"), max_length=12, blank=True)
    without_iin = models.BooleanField(_("no IIN (identified by another document)"), default=False)
    document_type = models.CharField(_("identity document"), max_length=20, choices=DocumentType.choices, blank=True)
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    last_name = models.CharField(_("surname"), max_length=150)
    first_name = models.CharField(_("name"), max_length=150)
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    last_name_latin = models.CharField(_("surname (Latin)"), max_length=150, blank=True)
    first_name_latin = models.CharField(_("name (Latin)"), max_length=150, blank=True)
    middle_name_latin = models.CharField(_("patronymic (Latin)"), max_length=150, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    citizenship = models.CharField(_("citizenship"), max_length=2, default="KZ", help_text=_("Two-letter country code."))
    registration_address = models.CharField(_("registration address"), max_length=500, blank=True)
    actual_address = models.CharField(_("actual address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_secondary = models.CharField(_("additional phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.RUSSIAN
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="patients")
    insurance_status = models.CharField(
        _("ОСМС insurance status"), max_length=16, choices=InsuranceStatus.choices, default=InsuranceStatus.UNKNOWN
    )
    insurance_checked_at = models.DateTimeField(_("insurance checked at"), null=True, blank=True)
    registry_checked_at = models.DateTimeField(_("checked in the person registry at"), null=True, blank=True)
    # The patient's OID in the national health information exchange; assigned once that integration exists.
    oid_identifier = models.CharField(_("OID"), max_length=128, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="patient"
    )

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        permissions = [
            ("view_clinical_record", _("Can view a patient's clinical record")),
            ("use_personal_cabinet", _("Can use the personal cabinet")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["iin"],
                condition=~Q(iin="") & Q(merged_into__isnull=True),
                name="patient_iin_unique",
                violation_error_message=_("A patient with this IIN is already registered."),
            ),
            models.CheckConstraint(
                condition=~Q(iin="") | (Q(without_iin=True) & ~Q(document_number="")),
                name="patient_identified",
                violation_error_message=_("Enter the IIN, or the document of a person registered without one."),
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(is_active=False), name="patient_merged_inactive"
            ),
        ]
        indexes = [
            GinIndex(OpClass(Upper("last_name"), name="gin_trgm_ops"), name="patient_last_name_trgm"),
            GinIndex(OpClass(search_name_expression(), name="gin_trgm_ops"), name="patient_search_name_trgm"),
            models.Index(fields=["iin"], name="patient_iin_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["phone"], name="patient_phone_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)

    @property
    def latin_name(self) -> str:
        return " ".join(part for part in (self.last_name_latin, self.first_name_latin) if part)

    def age(self, on: datetime.date | None = None) -> int:
        on = on or clinic_today()
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def age_years(self) -> int:
        return self.age()


class AttachmentHistory(BaseModel):
    """One period of a patient's attachment (прикрепление) to a site; the open one has no `detached_at`."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="attachments")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="attachment_history")
    attached_at = models.DateTimeField(_("attached at"), default=timezone.now)
    detached_at = models.DateTimeField(_("detached at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachment history")
        ordering = ["-attached_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["patient"], condition=Q(detached_at__isnull=True), name="attachment_one_open"),
        ]


class LegalRepresentative(BaseModel):
    """A legal representative (законный представитель) of a patient: parent, guardian or trustee, with
    the document that gives the right to act for them."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="legal_representatives")
    kind = models.CharField(_("representative"), max_length=16, choices=RepresentativeKind.choices)
    iin = models.CharField(_("IIN"), max_length=12)
    last_name = models.CharField(_("surname"), max_length=150)
    first_name = models.CharField(_("name"), max_length=150)
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    document_name = models.CharField(
        _("document granting the right"),
        max_length=255,
        help_text=_("For example, a birth certificate or a guardianship decision."),
    )
    document_number = models.CharField(_("document number"), max_length=100)
    document_date = models.DateField(_("document date"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="represented_patients"
    )

    class Meta:
        verbose_name = _("legal representative")
        verbose_name_plural = _("legal representatives")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(document_name="") & ~Q(document_number=""), name="representative_document"),
            models.UniqueConstraint(fields=["patient", "iin"], name="representative_unique"),
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)


class PersonalDataConsent(BaseModel):
    """The patient's answer, through the personal-data access control service, to an organisation that
    wants to open their record (DSM80-25 state service, DSM80-26 non-state service)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="personal_data_consents")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(_("service"), max_length=16, choices=ConsentService.choices)
    status = models.CharField(_("status"), max_length=16, choices=ConsentStatus.choices, default=ConsentStatus.PENDING)
    request_id = models.CharField(_("request"), max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to personal-data access")
        verbose_name_plural = _("consents to personal-data access")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "organisation"], name="consent_one_per_organisation"),
        ]


class SignUpCode(BaseModel):
    """A one-time code sent by SMS to sign up for the personal cabinet; only its hash is kept."""

    iin = models.CharField(_("IIN"), max_length=12)
    phone = models.CharField(_("phone"), max_length=20)
    code_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["iin", "-created_at"], name="signup_code_recent")]
