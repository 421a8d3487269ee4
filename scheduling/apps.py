from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from mis.navigation import NavItem


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduling")
    nav_items = (
        NavItem(_("Schedule"), "scheduling:day", "scheduling.view_appointment", order=20),
        NavItem(_("Week"), "scheduling:week", "scheduling.view_appointment", order=21),
        NavItem(_("Schedules"), "scheduling:schedules", "scheduling.change_schedule", order=22),
        NavItem(_("Notifications"), "scheduling:notifications", "", order=980),
    )

    def ready(self) -> None:
        from django.db.models import Q

        from accounts.access import register_patient_relation
        from patients.cabinet import CabinetSection, register_section

        from . import national  # noqa: F401 - registers the schedule channel's sender
        from .selectors import next_appointment_summary

        # The clinician of a live appointment treats the patient (DSM80-10), at their own role's level.
        register_patient_relation(
            "treating_appointment",
            lambda user: Q(appointments__clinician=user, appointments__status__in=["booked", "completed"]),
        )
        register_section(
            CabinetSection(
                "appointments", _("Appointments"), "scheduling:my_appointments", 20, summary=next_appointment_summary
            )
        )
