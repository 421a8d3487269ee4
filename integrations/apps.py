from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from mis.navigation import NavItem


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")
    nav_items = [NavItem(_("Integration queue"), "integrations:outbox_list", "integrations.view_outbox", order=900)]

    def ready(self) -> None:
        from . import senders  # noqa: F401 - registers the channel senders
