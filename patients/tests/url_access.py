from accounts.roles import Role
from tests.access import Access, public

# Who holds the patient permissions by default (accounts.roles.DEFAULT_PERMISSIONS).
VIEWERS = {Role.REGISTRAR.value, Role.DOCTOR.value, Role.NURSE.value}
REGISTRARS = {Role.REGISTRAR.value}
PATIENTS = {Role.PATIENT.value}


def _patient(world) -> dict:
    return {"uuid": world.patient.uuid}


URL_ACCESS = {
    "patients:search": Access(roles=VIEWERS),
    "patients:create": Access(roles=REGISTRARS),
    "patients:reattach": Access(roles=REGISTRARS),
    "patients:detail": Access(roles=VIEWERS, kwargs=_patient),
    "patients:edit": Access(roles=REGISTRARS, kwargs=_patient),
    "patients:representative_add": Access(roles=REGISTRARS, kwargs=_patient),
    "patients:merge": Access(roles=REGISTRARS, kwargs=_patient),
    "patients:card": Access(roles=VIEWERS, kwargs=_patient),
    "patients:invite": Access(roles=REGISTRARS, kwargs=_patient, method="post", ok=302),
    "patients:consent_check": Access(roles=VIEWERS, kwargs=_patient, method="post", ok=302),
    "patients:cabinet": Access(roles=PATIENTS),
    "patients:cabinet_profile": Access(roles=PATIENTS),
    "patients:cabinet_consents": Access(roles=PATIENTS),
    "patients:cabinet_switch": Access(roles=PATIENTS, method="post", ok=404),  # no such person to switch to
    "patients:sign_up": public(),
    "patients:sign_up_verify": public(ok=302),  # without a sign-up under way: back to the first step
}
