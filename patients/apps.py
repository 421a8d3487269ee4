from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from mis.navigation import NavItem


def represented_by(user):
    """The patients `user` legally represents, while the document giving the right is in force."""
    from django.db.models import Q
    from django.utils import timezone

    return Q(legal_representatives__user=user) & (
        Q(legal_representatives__valid_until__isnull=True) | Q(legal_representatives__valid_until__gte=timezone.localdate())
    )


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Patients")
    nav_items = (
        NavItem(_("Patients"), "patients:search", "patients.view_patient", order=10),
        NavItem(_("Personal cabinet"), "patients:cabinet", "patients.use_personal_cabinet", order=10),
    )

    def ready(self) -> None:
        from accounts.access import register_patient_relation
        from accounts.choices import AccessLevel

        from .cabinet import CabinetSection, register_representation, register_section

        register_patient_relation("legal_representative", represented_by, level=AccessLevel.FULL_RECORD)
        register_representation(represented_by)
        register_section(CabinetSection("profile", _("My details"), "patients:cabinet_profile", 10))
        register_section(CabinetSection("consents", _("Consents to data access"), "patients:cabinet_consents", 80))
