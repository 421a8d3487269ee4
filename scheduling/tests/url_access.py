import datetime

from accounts.roles import Role
from tests.access import ALL_ROLES, Access

FRONT_DESK = {Role.REGISTRAR.value, Role.DOCTOR.value, Role.NURSE.value}
PATIENTS = {Role.PATIENT.value}
SCHEDULERS = {Role.REGISTRAR.value}


def _appointment(world):
    """A booked appointment of the world's patient with the world's doctor."""
    from scheduling.models import Appointment
    from scheduling.services import appointment_book
    from scheduling.tests.factories import ScheduleFactory, slot_for, tomorrow_at

    existing = Appointment.objects.filter(patient=world.patient).first()
    if existing is None:
        doctor = world.users[Role.DOCTOR.value]
        schedule = ScheduleFactory(clinician=doctor, department=world.org.departments[0])
        slot = slot_for(schedule, tomorrow_at(10))
        existing = appointment_book(
            actor=world.users[Role.REGISTRAR.value], patient=world.patient, slot=slot, service=schedule.services.first()
        )
    return existing


def _appointment_kwargs(world) -> dict:
    return {"uuid": _appointment(world).uuid}


def _slot(world) -> dict:
    from scheduling.tests.factories import ScheduleFactory, slot_for, tomorrow_at

    schedule = ScheduleFactory(clinician=world.users[Role.DOCTOR.value], department=world.org.departments[0])
    return {"slot_uuid": slot_for(schedule, tomorrow_at(11)).uuid}


def _schedule(world):
    from scheduling.models import Schedule
    from scheduling.tests.factories import ScheduleFactory

    doctor = world.users[Role.DOCTOR.value]
    return Schedule.objects.filter(clinician=doctor).first() or ScheduleFactory(
        clinician=doctor, department=world.org.departments[0]
    )


def _schedule_kwargs(world) -> dict:
    return {"uuid": _schedule(world).uuid}


def _exception_kwargs(world) -> dict:
    from scheduling.models import ScheduleException

    schedule = _schedule(world)
    exception = ScheduleException.objects.create(schedule=schedule, date=datetime.date(2099, 1, 5), kind="day_off")
    return {"uuid": schedule.uuid, "exception_id": exception.pk}


def _patient(world) -> dict:
    return {"patient_uuid": world.patient.uuid}


VISIBLE = FRONT_DESK | PATIENTS
URL_ACCESS = {
    "scheduling:day": Access(roles=FRONT_DESK),
    "scheduling:week": Access(roles=FRONT_DESK),
    "scheduling:schedules": Access(roles=SCHEDULERS),
    "scheduling:schedule_new": Access(roles=SCHEDULERS),
    "scheduling:schedule_edit": Access(roles=SCHEDULERS, kwargs=_schedule_kwargs),
    "scheduling:schedule_exception_add": Access(
        roles=SCHEDULERS, kwargs=_schedule_kwargs, method="post", ok=302, data={"date": "2099-01-06", "kind": "sick"}
    ),
    "scheduling:schedule_exception_remove": Access(roles=SCHEDULERS, kwargs=_exception_kwargs, method="post", ok=302),
    "scheduling:book": Access(roles={Role.REGISTRAR.value}, kwargs=_slot),
    "scheduling:appointment": Access(roles=VISIBLE, denied=404, kwargs=_appointment_kwargs),
    "scheduling:appointment_move": Access(roles=VISIBLE, denied=404, kwargs=_appointment_kwargs),
    "scheduling:appointment_cancel": Access(roles=VISIBLE, denied=404, kwargs=_appointment_kwargs, method="post", ok=302),
    "scheduling:visit_open": Access(roles={Role.DOCTOR.value}, kwargs=_appointment_kwargs, method="post", ok=302),
    "scheduling:emergency_visit": Access(roles={Role.DOCTOR.value}, kwargs=_patient),
    "scheduling:my_appointments": Access(roles=PATIENTS),
    "scheduling:cabinet_book": Access(roles=PATIENTS),
    "scheduling:notifications": Access(roles=ALL_ROLES),
}
