from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceForm(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Remote: video")
    AUDIO = "audio", _("Remote: audio")
    CHAT = "chat", _("Remote: chat")


REMOTE_FORMS = frozenset({ServiceForm.VIDEO, ServiceForm.AUDIO, ServiceForm.CHAT})


class PriceGroup(models.TextChoices):
    GOBMP = "gobmp", _("Guaranteed volume (ГОБМП)")
    OSMS = "osms", _("Compulsory insurance (ОСМС)")
    PAID = "paid", _("Paid")


class ExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    SICK = "sick", _("Sick day")
    EXTRA = "extra", _("Extra hours")


WEEKDAYS = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("Did not come")


LIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED)


class AppointmentEvent(models.TextChoices):
    BOOKED = "booked", _("Booked")
    MOVED = "moved", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")
    REMINDED = "reminded", _("Reminder sent")
