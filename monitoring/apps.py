from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mis.navigation import NavItem


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")
    nav_items = (NavItem(pgettext_lazy("menu", "Alerts"), "monitoring:alerts", "monitoring.view_monitoring", order=40),)

    def ready(self) -> None:
        from accounts.access import register_patient_relation
        from patients.cabinet import CabinetSection, register_section
        from patients.chart import ChartLink, register_chart_link

        from .selectors import monitored_by, open_alerts_summary

        # The doctor who ordered monitoring and the clinician carrying it out see the patient while the
        # plan is in force (DSM39-4.15), at their own role's level: the one rule of "in force",
        # MonitoringPlanQuerySet.active, through monitored_by.
        register_patient_relation("monitoring_plan", lambda user: Q(pk__in=monitored_by(user)))
        register_chart_link(
            ChartLink("monitoring", _("Monitoring"), "monitoring:patient_monitoring", "monitoring.view_monitoring", 50)
        )
        register_section(
            CabinetSection("monitoring", _("Readings and alerts"), "monitoring:my_readings", 50, summary=open_alerts_summary)
        )
