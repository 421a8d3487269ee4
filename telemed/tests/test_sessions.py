"""A remote session's life cycle: who may move it where, its history, its appointment, and the access its
clinician gets to the patient while it is live."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.access import can_access_patient
from accounts.roles import Role
from accounts.services import role_assign
from accounts.tests.factories import OrganisationFactory, UserFactory
from audit.models import AuditEntry
from patients.tests.factories import PatientFactory
from scheduling.models import Notification
from scheduling.services import appointment_book
from scheduling.tests.factories import ScheduleFactory, ServiceFactory, slot_for
from telemed.models import RemoteSession, RemoteSessionHistory
from telemed.services import remote_session_schedule, remote_session_transition
from telemed.tests.factories import schedule_session, soon


def test_a_session_is_scheduled_with_a_history_row_an_audit_entry_and_a_room(care):
    session = schedule_session(doctor=care.doctor, patient=care.patient, form="audio")
    assert session.status == "scheduled" and session.room and session.organisation == care.org.organisation
    [row] = RemoteSessionHistory.objects.filter(session=session)
    assert (row.from_status, row.to_status, row.actor) == ("", "scheduled", care.doctor)
    entry = AuditEntry.objects.get(object_type="telemed.RemoteSession", action="create")
    assert entry.patient_id == care.patient.pk and entry.fields["form"] == [None, "audio"]


def test_the_whole_life_cycle_each_step_by_its_side_with_history(care):
    session = schedule_session(doctor=care.doctor, patient=care.patient)
    remote_session_transition(actor=care.patient.user, session=session, to="waiting")
    remote_session_transition(actor=care.doctor, session=session, to="in_progress")
    session = remote_session_transition(actor=care.doctor, session=session, to="completed")
    assert session.status == "completed" and session.started_at <= session.ended_at
    steps = list(RemoteSessionHistory.objects.filter(session=session).values_list("from_status", "to_status", "actor"))
    assert steps == [
        ("", "scheduled", care.doctor.pk),
        ("scheduled", "waiting", care.patient.user.pk),
        ("waiting", "in_progress", care.doctor.pk),
        ("in_progress", "completed", care.doctor.pk),
    ]
    assert AuditEntry.objects.filter(object_type="telemed.RemoteSession", action="update").count() == 3
    # The clinician heard in the app that the patient was waiting.
    assert Notification.objects.filter(recipient=care.doctor).count() == 1


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], "in_progress"),  # the patient has not come to the waiting room
        ([], "completed"),
        (["waiting"], "completed"),
        (["waiting", "in_progress"], "cancelled"),  # a session under way is interrupted, not cancelled
        (["waiting", "in_progress", "completed"], "interrupted"),
        (["cancelled"], "in_progress"),
    ],
)
def test_moves_outside_the_map_are_refused_and_leave_nothing(care, path, to):
    session = schedule_session(doctor=care.doctor, patient=care.patient)
    for step in path:
        actor = care.patient.user if step == "waiting" else care.doctor
        remote_session_transition(actor=actor, session=session, to=step, reason="reason")
    before = RemoteSessionHistory.objects.count()
    with pytest.raises(ValidationError):
        remote_session_transition(actor=care.doctor, session=session, to=to, reason="reason")
    assert RemoteSessionHistory.objects.count() == before
    assert RemoteSession.objects.get(pk=session.pk).status == (path[-1] if path else "scheduled")


def test_each_side_may_make_only_its_own_moves(care, make_user, org):
    session = schedule_session(doctor=care.doctor, patient=care.patient)
    with pytest.raises(PermissionDenied):  # the clinician does not sit in the patient's waiting room
        remote_session_transition(actor=care.doctor, session=session, to="waiting")
    remote_session_transition(actor=care.mother, session=session, to="waiting")  # the representative may
    with pytest.raises(PermissionDenied):  # the patient's side does not start the session
        remote_session_transition(actor=care.patient.user, session=session, to="in_progress")
    other_doctor = make_user("doctor", department=org.departments[0])
    stranger = make_user("patient")
    for outsider in (other_doctor, stranger):
        with pytest.raises(PermissionDenied):
            remote_session_transition(actor=outsider, session=session, to="cancelled", reason="x")
    assert RemoteSession.objects.get(pk=session.pk).status == "waiting"


def test_cancelling_needs_a_reason_and_tells_the_other_side(care):
    session = schedule_session(doctor=care.doctor, patient=care.patient)
    with pytest.raises(ValidationError) as refused:
        remote_session_transition(actor=care.patient.user, session=session, to="cancelled", reason="  ")
    assert "reason" in refused.value.error_dict
    remote_session_transition(actor=care.patient.user, session=session, to="cancelled", reason="Feeling better")
    row = RemoteSessionHistory.objects.get(session=session, to_status="cancelled")
    assert row.reason == "Feeling better" and row.actor == care.patient.user
    assert Notification.objects.get(recipient=care.doctor).body.endswith("Feeling better")


def test_the_clinician_cancelling_tells_the_patients_side_each_in_their_language(care):
    session = schedule_session(doctor=care.doctor, patient=care.patient)
    remote_session_transition(actor=care.doctor, session=session, to="cancelled", reason="Clinician ill")
    notices = {notice.recipient_id: notice for notice in Notification.objects.all()}
    assert set(notices) == {care.patient.user.pk, care.mother.pk}  # not the clinician: they cancelled it
    subjects = {}
    for language in ("kk", "ru"):
        with translation.override(language):
            subjects[language] = gettext("Remote session cancelled")
    assert subjects["kk"] != subjects["ru"]
    # The patient's language is the record's (Kazakh), whatever their account says; the mother's is hers.
    assert notices[care.patient.user.pk].subject == subjects["kk"]
    assert notices[care.mother.pk].subject == subjects["ru"]
    assert all(notice.body.endswith("Clinician ill") for notice in notices.values())


def test_the_waiting_room_opens_shortly_before_the_session(care):
    session = schedule_session(doctor=care.doctor, patient=care.patient, minutes=120)
    with pytest.raises(ValidationError):
        remote_session_transition(actor=care.patient.user, session=session, to="waiting")
    RemoteSession.objects.filter(pk=session.pk).update(scheduled_start=soon(20))
    assert remote_session_transition(actor=care.patient.user, session=session, to="waiting").status == "waiting"


@pytest.fixture
def remote_appointment(care, make_user, org):
    video = ServiceFactory(code="TM01", form="video")
    schedule = ScheduleFactory(clinician=care.doctor, department=org.departments[0], is_remote=True, services=[video])
    slot = slot_for(schedule, timezone.now() + datetime.timedelta(hours=2))
    return appointment_book(actor=make_user("registrar"), patient=care.patient, slot=slot, service=video)


def test_a_session_for_an_appointment_must_be_of_its_patient_and_clinician(care, remote_appointment, make_user, org):
    other_patient = PatientFactory(organisation=org.organisation, site=org.sites[0])
    with pytest.raises(ValidationError) as refused:
        schedule_session(doctor=care.doctor, patient=other_patient, appointment=remote_appointment)
    assert "appointment" in refused.value.error_dict
    colleague = make_user("doctor", department=org.departments[0])
    with pytest.raises(ValidationError):
        schedule_session(doctor=care.doctor, patient=care.patient, clinician=colleague, appointment=remote_appointment)
    assert not RemoteSession.objects.exists()
    session = schedule_session(doctor=care.doctor, patient=care.patient, appointment=remote_appointment)
    assert session.appointment == remote_appointment


def test_a_cancelled_appointment_cannot_be_held_remotely(care, remote_appointment):
    from scheduling.services import appointment_cancel

    appointment_cancel(actor=care.doctor, appointment=remote_appointment, reason="Ill")
    with pytest.raises(ValidationError):
        schedule_session(doctor=care.doctor, patient=care.patient, appointment=remote_appointment)


def test_one_appointment_has_one_live_session_held_by_the_database(care, remote_appointment):
    first = schedule_session(doctor=care.doctor, patient=care.patient, appointment=remote_appointment)
    with pytest.raises(ValidationError) as refused:  # the service turns the constraint into a message
        schedule_session(doctor=care.doctor, patient=care.patient, appointment=remote_appointment)
    assert "appointment" in refused.value.error_dict
    with pytest.raises(IntegrityError), transaction.atomic():  # and nothing gets round it
        RemoteSession.objects.create(
            patient=care.patient,
            clinician=care.doctor,
            organisation=care.org.organisation,
            appointment=remote_appointment,
            form="video",
            scheduled_start=soon(),
        )
    # Once the first has ended, the appointment may be held in a new session.
    remote_session_transition(actor=care.doctor, session=first, to="cancelled", reason="Connection lost")
    assert schedule_session(doctor=care.doctor, patient=care.patient, appointment=remote_appointment).is_live


def test_only_a_clinician_who_sees_the_patient_schedules_and_times_are_aware_and_ahead(care, make_user, org):
    registrar = make_user("registrar")
    with pytest.raises(PermissionDenied):
        schedule_session(doctor=registrar, patient=care.patient, clinician=care.doctor)
    paediatrician = make_user("doctor", department=org.departments[1])  # another department's patients
    with pytest.raises(Http404):
        schedule_session(doctor=paediatrician, patient=care.patient)
    with pytest.raises(ValidationError):
        schedule_session(doctor=care.doctor, patient=care.patient, clinician=registrar)
    with pytest.raises(ValidationError):
        schedule_session(doctor=care.doctor, patient=care.patient, minutes=-120)
    with pytest.raises(ValueError):
        remote_session_schedule(
            actor=care.doctor,
            patient=care.patient,
            clinician=care.doctor,
            scheduled_start=datetime.datetime(2099, 1, 1, 10),
            form="video",
        )
    assert not RemoteSession.objects.exists()


@pytest.fixture
def foreign_doctor(org):
    """A doctor of another clinic."""
    other = OrganisationFactory(code="OTHER")
    doctor = UserFactory(organisation=other)
    role_assign(user=doctor, role=Role.DOCTOR, organisation=other)
    return doctor


def test_a_clinician_of_another_clinic_or_a_time_too_far_ahead_is_refused_and_nothing_saved(care, foreign_doctor, english):
    with pytest.raises(ValidationError) as refused:
        schedule_session(doctor=care.doctor, patient=care.patient, clinician=foreign_doctor)
    assert refused.value.message_dict == {"clinician": ["This clinician does not work in your organisation."]}
    with pytest.raises(ValidationError) as refused:
        schedule_session(doctor=care.doctor, patient=care.patient, minutes=60 * 24 * 91)
    assert refused.value.message_dict == {"scheduled_start": ["A remote session can be scheduled at most 90 days ahead."]}
    assert not RemoteSession.objects.exists() and not RemoteSessionHistory.objects.exists()
    assert not AuditEntry.objects.filter(object_type="telemed.RemoteSession").exists()
    assert schedule_session(doctor=care.doctor, patient=care.patient, minutes=60 * 24 * 89).is_live


@pytest.mark.req("DSM80-10")
def test_a_scheduled_session_opens_the_patient_to_its_clinician_only_near_its_start(care, make_user, org):
    paediatrician = make_user("doctor", department=org.departments[1])
    far = schedule_session(doctor=care.doctor, patient=care.patient, clinician=paediatrician, minutes=60 * 24 * 30)
    assert not can_access_patient(paediatrician, care.patient)  # a month ahead: not yet
    near = schedule_session(doctor=care.doctor, patient=care.patient, clinician=paediatrician, minutes=60 * 23)
    assert can_access_patient(paediatrician, care.patient)  # within a day of its start
    remote_session_transition(actor=paediatrician, session=near, to="cancelled", reason="Ill")
    # The cancelled one is near and the scheduled one far: neither is both, so nothing opens.
    assert not can_access_patient(paediatrician, care.patient)
    # A scheduled session never held stops counting a day after its time.
    RemoteSession.objects.filter(pk=far.pk).update(scheduled_start=timezone.now() - datetime.timedelta(hours=23))
    assert can_access_patient(paediatrician, care.patient)
    RemoteSession.objects.filter(pk=far.pk).update(scheduled_start=timezone.now() - datetime.timedelta(hours=25))
    assert not can_access_patient(paediatrician, care.patient)


@pytest.mark.req("DSM80-10")
def test_the_clinician_of_a_live_session_treats_the_patient_until_it_ends(care, make_user, org):
    paediatrician = make_user("doctor", department=org.departments[1])
    assert not can_access_patient(paediatrician, care.patient)
    session = schedule_session(doctor=care.doctor, patient=care.patient, clinician=paediatrician)
    assert can_access_patient(paediatrician, care.patient, "full_record")  # their own role's level
    remote_session_transition(actor=care.patient.user, session=session, to="waiting")
    remote_session_transition(actor=paediatrician, session=session, to="in_progress")
    assert can_access_patient(paediatrician, care.patient)
    remote_session_transition(actor=paediatrician, session=session, to="completed")
    assert not can_access_patient(paediatrician, care.patient)
