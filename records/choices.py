from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """What a clinical document is (вид документа)."""

    CONSULTATION = "consultation", _("Consultation conclusion")
    LABORATORY = "laboratory", _("Laboratory result")
    IMAGING = "imaging", _("Imaging report")
    PRESCRIPTION = "prescription", _("Prescription")
    REFERRAL = "referral", _("Referral")
    SICK_LEAVE = "sick_leave", _("Sick-leave certificate")
    DISCHARGE = "discharge", _("Discharge summary")
    OTHER = "other", _("Other")
