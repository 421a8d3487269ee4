from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MisConfig(AppConfig):
    name = "mis"
    verbose_name = _("Medical information system")
