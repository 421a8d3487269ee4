from django.utils import timezone

from accounts.roles import Role
from tests.access import Access

CLINICIANS = {Role.DOCTOR.value, Role.NURSE.value}
DOCTORS = {Role.DOCTOR.value}
PATIENTS = {Role.PATIENT.value}


def _patient(world) -> dict:
    return {"patient_uuid": world.patient.uuid}


def _plan(world):
    from monitoring.models import MonitoringPlan
    from monitoring.services import plan_start

    doctor = world.users[Role.DOCTOR.value]
    return MonitoringPlan.objects.filter(patient=world.patient).first() or plan_start(
        actor=doctor, patient=world.patient, limits=[{"indicator": "heart_rate", "warning_high": 100}]
    )


def _plan_kwargs(world) -> dict:
    return {"uuid": _plan(world).uuid}


def _alert_kwargs(world) -> dict:
    from monitoring.services import reading_record

    _plan(world)
    reading = reading_record(
        actor=world.users[Role.DOCTOR.value],
        patient=world.patient,
        indicator="heart_rate",
        value=150,
        taken_at=timezone.now(),
        source="manual_staff",
    )
    return {"uuid": reading.alert.uuid}


READING = {"indicator": "heart_rate", "value": "72", "taken_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}

URL_ACCESS = {
    "monitoring:patient_monitoring": Access(roles=CLINICIANS, kwargs=_patient),
    "monitoring:plan_start": Access(
        roles=DOCTORS, kwargs=_patient, method="post", ok=302, data={"heart_rate__warning_high": "100"}
    ),
    "monitoring:plan_end": Access(roles=DOCTORS, kwargs=_plan_kwargs, method="post", ok=302),
    "monitoring:reading_add": Access(roles=CLINICIANS, kwargs=_patient, method="post", ok=302, data=READING),
    "monitoring:alert_acknowledge": Access(roles=CLINICIANS, kwargs=_alert_kwargs, method="post", ok=302),
    "monitoring:alerts": Access(roles=CLINICIANS),
    "monitoring:my_readings": Access(roles=PATIENTS),
}
