from accounts.roles import Role
from tests.access import ALL_ROLES, Access

ADMIN = {Role.ADMINISTRATOR.value}
SECURITY_READERS = {Role.ADMINISTRATOR.value, Role.AUDITOR.value}
CLINICIANS = {Role.DOCTOR.value, Role.NURSE.value}


def _subject(world) -> dict:
    return {"uuid": world.users[Role.DOCTOR.value].uuid}


def _assignment(world) -> dict:
    doctor = world.users[Role.DOCTOR.value]
    return {"uuid": doctor.uuid, "assignment_uuid": doctor.role_assignments.first().uuid}


def _role(world) -> dict:
    from django.contrib.auth.models import Group

    return {"pk": Group.objects.get(name=Role.NURSE.value).pk}


def _flagged_event(world) -> dict:
    from accounts.journal import security_event

    return {"pk": security_event(event="break_the_glass", user=world.users[Role.DOCTOR.value], flagged=True).pk}


def _trusted_network(world) -> dict:
    from accounts.models import TrustedNetwork

    entry, _ = TrustedNetwork.objects.get_or_create(organisation=world.org.organisation, network="10.0.0.0/8")
    return {"uuid": entry.uuid}


def _patient(world) -> dict:
    return {"uuid": world.patient.uuid}


URL_ACCESS = {
    # The person's own account: everyone signed in.
    "accounts:profile": Access(roles=ALL_ROLES),
    "accounts:password_change": Access(roles=ALL_ROLES),
    "accounts:mfa": Access(roles=ALL_ROLES),
    "accounts:mfa_enrol": Access(roles=ALL_ROLES),
    "accounts:mfa_verify": Access(roles=ALL_ROLES, ok=302),  # already verified: on to the page asked for
    "accounts:mfa_backup_codes": Access(roles=ALL_ROLES, method="post"),
    "accounts:sign_out_everywhere": Access(roles=ALL_ROLES, ok=302, method="post"),
    # Administration of users and roles.
    "accounts:user_list": Access(roles=ADMIN),
    "accounts:user_create": Access(roles=ADMIN),
    "accounts:user_detail": Access(roles=ADMIN, kwargs=_subject),
    "accounts:user_roles": Access(roles=ADMIN, kwargs=_subject),
    "accounts:user_role_remove": Access(roles=ADMIN, kwargs=_assignment),
    "accounts:user_working_hours": Access(roles=ADMIN, kwargs=_subject),
    "accounts:user_ban": Access(roles=ADMIN, kwargs=_subject),
    "accounts:user_unban": Access(roles=ADMIN, kwargs=_subject),
    "accounts:user_password_reset": Access(roles=ADMIN, kwargs=_subject),
    "accounts:user_deactivate": Access(roles=ADMIN, kwargs=_subject),
    "accounts:user_activate": Access(roles=ADMIN, kwargs=_subject),
    "accounts:user_delete": Access(roles=ADMIN, kwargs=_subject),
    "accounts:role_list": Access(roles=ADMIN),
    "accounts:role_create": Access(roles=ADMIN),
    "accounts:role_edit": Access(roles=ADMIN, kwargs=_role),
    "accounts:role_delete": Access(roles=ADMIN, kwargs=_role),
    # Security.
    "accounts:security_events": Access(roles=SECURITY_READERS),
    "accounts:security_event_review": Access(roles=SECURITY_READERS, ok=302, method="post", kwargs=_flagged_event),
    "accounts:trusted_networks": Access(roles=ADMIN),
    "accounts:trusted_network_remove": Access(roles=ADMIN, kwargs=_trusted_network),
    "accounts:emergency_access": Access(roles=CLINICIANS, kwargs=_patient),
}
