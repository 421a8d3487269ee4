from accounts.roles import Role
from tests.access import Access

CLINICIANS = {Role.DOCTOR.value}  # holders of telemed.conduct_remote_session by default
PATIENTS = {Role.PATIENT.value}


def _session(world):
    from telemed.models import RemoteSession
    from telemed.tests.factories import schedule_session

    doctor = world.users[Role.DOCTOR.value]
    existing = RemoteSession.objects.filter(patient=world.patient).first()
    return existing or schedule_session(doctor=doctor, patient=world.patient)


def _session_kwargs(world) -> dict:
    return {"uuid": _session(world).uuid}


def _message_kwargs(world) -> dict:
    from telemed.services import message_send

    doctor = world.users[Role.DOCTOR.value]
    message = message_send(actor=doctor, patient=world.patient, kind="lifestyle", subject="Walks", body="Walk daily.")
    return {"uuid": message.uuid}


def _patient(world) -> dict:
    return {"patient_uuid": world.patient.uuid}


URL_ACCESS = {
    "telemed:patient_telemed": Access(roles=CLINICIANS, kwargs=_patient),
    # An empty form: the page answers with what is missing.
    "telemed:session_schedule": Access(roles=CLINICIANS, kwargs=_patient, method="post", ok=400),
    "telemed:message_send": Access(
        roles=CLINICIANS,
        kwargs=_patient,
        method="post",
        ok=302,
        data={"kind": "adherence", "subject": "Tablets", "body": "Take them every morning."},
    ),
    "telemed:my_sessions": Access(roles=CLINICIANS),
    "telemed:session": Access(roles=CLINICIANS, kwargs=_session_kwargs),
    # The session's clinician and its patient may act on it; to anyone else it does not exist.
    "telemed:session_transition": Access(
        roles=CLINICIANS | PATIENTS,
        kwargs=_session_kwargs,
        method="post",
        ok=302,
        denied=404,
        data={"to": "cancelled", "reason": "Unwell"},
    ),
    "telemed:my_remote_sessions": Access(roles=PATIENTS),
    "telemed:my_messages": Access(roles=PATIENTS),
    "telemed:my_message": Access(roles=PATIENTS, kwargs=_message_kwargs),
}
