from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Language(models.TextChoices):
    """The languages a patient may choose for documents and messages."""

    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")


class DocumentType(models.TextChoices):
    """The identity document of a person without an IIN (foreigners, stateless persons)."""

    PASSPORT = "passport", _("Foreign passport")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    STATELESS = "stateless", _("Stateless person's certificate")
    OTHER = "other", pgettext_lazy("document type", "Other document")


class InsuranceStatus(models.TextChoices):
    """Status in compulsory social health insurance (ОСМС / МӘМС)."""

    INSURED = "insured", _("Insured")
    NOT_INSURED = "not_insured", _("Not insured")
    UNKNOWN = "unknown", pgettext_lazy("insurance status", "Unknown")


class RepresentativeKind(models.TextChoices):
    PARENT = "parent", _("Parent")
    GUARDIAN = "guardian", _("Guardian")
    TRUSTEE = "trustee", _("Trustee")


class ConsentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the patient's answer")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class ConsentService(models.TextChoices):
    """Which personal-data access control service the organisation uses (DSM80-25 / DSM80-26)."""

    STATE = "state", _("State service")
    NON_STATE = "non_state", _("Non-state service")
