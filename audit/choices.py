from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("View")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Print")
    SIGN = "sign", _("Sign")
    TRANSMIT = "transmit", _("Transmit")
    RECEIVE = "receive", _("Receive")
    BREAK_THE_GLASS = "break_the_glass", _("Emergency access")
    SECURITY_EVENT = "security_event", _("Security event")
