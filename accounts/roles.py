"""The built-in roles and the permissions each starts with.

Roles are Django groups; an administrator may edit their permissions or create new roles later. These
defaults are (re)applied by `ensure_default_roles` only to groups that do not exist yet.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AccessLevel


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    REGISTRAR = "registrar", _("Registrar")
    DOCTOR = "doctor", _("Doctor")
    NURSE = "nurse", _("Nurse")
    PATIENT = "patient", _("Patient")
    PHARMACIST = "pharmacist", _("Pharmacist")
    AUDITOR = "auditor", _("Auditor")


STAFF_ROLES = frozenset(Role) - {Role.PATIENT}

# app_label.codename; a permission missing from the database (its app not migrated yet) is skipped.
DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMINISTRATOR: [
        "accounts.manage_users",
        "accounts.manage_roles",
        "accounts.view_security_events",
        "accounts.manage_trusted_networks",
        "audit.view_audit_journal",
        "integrations.view_outbox",
    ],
    Role.REGISTRAR: [
        "patients.view_patient",
        "patients.add_patient",
        "patients.change_patient",
        "scheduling.view_appointment",
        "scheduling.add_appointment",
        "scheduling.change_appointment",
        "scheduling.add_schedule",
        "scheduling.change_schedule",
    ],
    Role.DOCTOR: [
        "patients.view_patient",
        "patients.view_clinical_record",
        "scheduling.view_appointment",
        "scheduling.open_visit",
        "telemed.conduct_remote_session",
        "records.add_medical_record",
        "records.view_document",
        "records.add_document",
        "monitoring.view_monitoring",
        "monitoring.order_monitoring",
        "monitoring.add_reading",
        "accounts.use_emergency_access",
    ],
    Role.NURSE: [
        "patients.view_patient",
        "records.view_document",
        "scheduling.view_appointment",
        "monitoring.view_monitoring",
        "monitoring.add_reading",
        "accounts.use_emergency_access",
    ],
    Role.PATIENT: [
        "patients.use_personal_cabinet",
    ],
    Role.PHARMACIST: [
        "pharmacy.view_stock",
        "pharmacy.change_stock",
    ],
    Role.AUDITOR: [
        "audit.view_audit_journal",
        "accounts.view_security_events",
    ],
}

# How much of an attached patient's data each built-in role opens (DSM80-10); an administrator changes
# it per role on the role page (RoleProfile.access_level).
DEFAULT_ACCESS_LEVELS: dict[str, str] = {
    Role.ADMINISTRATOR: AccessLevel.NONE,
    Role.REGISTRAR: AccessLevel.DEMOGRAPHICS,
    Role.DOCTOR: AccessLevel.FULL_RECORD,
    Role.NURSE: AccessLevel.CLINICAL_SUMMARY,
    Role.PATIENT: AccessLevel.NONE,
    Role.PHARMACIST: AccessLevel.DEMOGRAPHICS,
    Role.AUDITOR: AccessLevel.NONE,
}
