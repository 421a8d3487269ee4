from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from mis.navigation import NavItem


class TelemedConfig(AppConfig):
    name = "telemed"
    verbose_name = _("Telemed")
    nav_items = (NavItem(_("Remote sessions"), "telemed:my_sessions", "telemed.conduct_remote_session", order=25),)

    def ready(self) -> None:
        from accounts.access import register_patient_relation
        from patients.cabinet import CabinetSection, register_section
        from patients.chart import ChartLink, register_chart_link

        from .permissions import treated_in_session_q
        from .selectors import next_session_summary, unread_messages_summary

        # The clinician of a remote session under way or about to be held treats the patient (DSM80-10),
        # at their own role's level.
        register_patient_relation("remote_session", treated_in_session_q)
        register_chart_link(
            ChartLink("telemed", _("Remote care"), "telemed:patient_telemed", "telemed.conduct_remote_session", 40)
        )
        register_section(
            CabinetSection(
                "remote_sessions", _("Remote sessions"), "telemed:my_remote_sessions", 30, summary=next_session_summary
            )
        )
        register_section(
            CabinetSection(
                "messages", _("Messages from clinicians"), "telemed:my_messages", 60, summary=unread_messages_summary
            )
        )
