from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from mis.navigation import NavItem


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")
    nav_items = [NavItem(_("Audit journal"), "audit:journal", "audit.view_audit_journal", order=920)]

    def ready(self) -> None:
        from patients.cabinet import CabinetSection, register_section

        register_section(CabinetSection("access_log", _("Who accessed my data"), "audit:my_access_log", 90))
