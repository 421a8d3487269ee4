from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Site
from mis.models import BaseModel

from .choices import Sex


class Patient(BaseModel):
    """A person registered in the clinic. IIN is unique where present (foreigners may have none)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="patients")
    iin = models.CharField(_("IIN"), max_length=12, blank=True)
    last_name = models.CharField(_("surname"), max_length=150)
    first_name = models.CharField(_("name"), max_length=150)
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="ru"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="patients")
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
            models.UniqueConstraint(fields=["iin"], condition=~Q(iin=""), name="patient_iin_unique"),
        ]
        indexes = [
            GinIndex(OpClass(Upper("last_name"), name="gin_trgm_ops"), name="patient_last_name_trgm"),
            models.Index(fields=["iin"], name="patient_iin_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)
