"""Plans, readings and alerts: limits judged on arrival (DSM39-5.4), everyone told of a deviation
(DSM39-5.5), entry errors refused whole (DSM39-5.3)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import RoleAssignment
from accounts.tests.factories import OrganisationFactory
from audit.models import AuditEntry
from integrations.models import OutboxMessage
from monitoring.models import Alert, MonitoringPlan, PlanLimit, Reading
from monitoring.services import MonitoringError, alert_acknowledge, plan_end, plan_start, readings_record_many
from monitoring.tasks import end_expired_plans
from patients.models import LegalRepresentative
from patients.tests.factories import PatientFactory
from scheduling.models import Notification

from .conftest import HEART_RATE

pytestmark = pytest.mark.django_db


# --- Limits ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("75", None),
        ("100", None),  # a limit is the last acceptable value: equal to it is within it
        ("100.01", "warning"),
        ("130", "warning"),
        ("130.01", "critical"),
        ("50", None),
        ("49.99", "warning"),
        ("40", "warning"),
        ("39.99", "critical"),
    ],
)
def test_a_limit_is_the_last_acceptable_value(value, level):
    limit = PlanLimit(**HEART_RATE)
    assert limit.level_for(Decimal(value)) == level


def test_a_one_sided_limit_watches_one_side_only():
    limit = PlanLimit(indicator="spo2", warning_low=94, critical_low=90)
    assert limit.level_for(Decimal(100)) is None
    assert limit.level_for(Decimal(92)) == "warning"
    assert limit.level_for(Decimal(89)) == "critical"


def test_limits_out_of_order_are_named_by_field(english):
    errors = PlanLimit(indicator="heart_rate", warning_low=100, warning_high=50, critical_high=400).errors()
    assert set(errors) == {"warning_high", "critical_high"}
    assert "possible range" in errors["critical_high"]
    assert PlanLimit(indicator="heart_rate").errors() == {"warning_low": "Give at least one limit."}


def test_the_database_refuses_limits_out_of_order(team):
    plan = team.start()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanLimit.objects.create(plan=plan, indicator="spo2", warning_low=95, warning_high=90)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanLimit.objects.create(plan=plan, indicator="spo2", critical_low=95, warning_low=90)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanLimit.objects.create(plan=plan, indicator="spo2")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanLimit.objects.create(plan=plan, indicator="heart_rate", warning_high=90)  # one row per indicator


def test_plan_start_refuses_bad_limits_and_saves_nothing(team, english):
    with pytest.raises(MonitoringError) as refused:
        team.start(limits=[{"indicator": "heart_rate", "warning_low": 100, "warning_high": 50}])
    assert "Heart rate, warning above" in refused.value.message_dict["limits"][0]
    with pytest.raises(MonitoringError) as refused:
        team.start(limits=[])
    assert refused.value.message_dict["limits"] == ["Set limits for at least one indicator."]
    assert not MonitoringPlan.objects.exists()


@pytest.mark.req("DSM80-10")
def test_only_a_doctor_with_access_orders_monitoring(team, make_user):
    from monitoring.services import plan_start

    with pytest.raises(PermissionDenied):
        plan_start(actor=team.nurse, patient=team.patient, limits=[HEART_RATE])
    other_doctor = make_user("doctor", department=team.org.departments[1])  # no role over this patient
    with pytest.raises(PermissionDenied):
        plan_start(actor=other_doctor, patient=team.patient, limits=[HEART_RATE])


@pytest.mark.req("DSM80-22.5")
def test_plan_start_is_journaled_and_tells_the_monitoring_clinician(team):
    plan = team.start()
    entry = AuditEntry.objects.get(object_type="monitoring.MonitoringPlan", object_id=str(plan.pk))
    assert entry.action == "create" and entry.patient_id == team.patient.pk
    assert entry.fields["limits"][1]["heart_rate"] == ["50.00", "100.00", "40.00", "130.00"]
    assert team.patient.full_name in Notification.objects.get(recipient=team.nurse).body  # in the nurse's language
    assert not Notification.objects.filter(recipient=team.doctor).exists()


def test_plan_start_refuses_a_monitoring_clinician_of_another_organisation(team, make_user, english):
    # The service itself checks whom the doctor may name, not only the page's list.
    other = OrganisationFactory(code="OTHER")
    foreign = make_user("nurse", organisation=other)
    RoleAssignment.objects.filter(user=foreign).update(organisation=other, department=None)
    foreign = type(foreign).objects.get(pk=foreign.pk)
    assert foreign.has_perm("monitoring.view_monitoring")  # the permission alone is not enough
    with pytest.raises(MonitoringError) as refused:
        team.start(monitoring_clinician=foreign)
    assert refused.value.message_dict["monitoring_clinician"] == ["Name a doctor or nurse of your own organisation."]
    assert not MonitoringPlan.objects.exists() and not PlanLimit.objects.exists()
    assert not Notification.objects.exists() and not AuditEntry.objects.filter(action="create").exists()


def test_a_doctor_who_may_order_for_the_patient_may_end_a_colleagues_plan(team, make_user):
    # Kept on purpose: a plan outlives its doctor's shift or leave, so a colleague who may order monitoring
    # for the patient may end it; a doctor without access to the patient may not.
    plan = team.start()
    stranger = make_user("doctor", department=team.org.departments[1])
    with pytest.raises(PermissionDenied):
        plan_end(actor=stranger, plan=plan)
    colleague = make_user("doctor", department=team.org.departments[0], preferred_language="en")
    earlier = list(Notification.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        plan_end(actor=colleague, plan=plan)
    plan.refresh_from_db()
    assert plan.status == "ended" and plan.ended_by == colleague
    told = Notification.objects.exclude(pk__in=earlier).filter(body__contains=team.patient.full_name)
    assert set(told.values_list("recipient", flat=True)) == {team.doctor.pk, team.nurse.pk}
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "scheduling_notification"')]
    assert len(inserts) == 1  # both told in one write


# --- Readings against limits ----------------------------------------------------------------------
@pytest.mark.req("DSM39-5.4")
def test_without_a_plan_a_reading_is_stored_and_raises_no_alert(team):
    reading = team.reading(200)
    assert Reading.objects.get().value == Decimal("200.00")
    assert reading.unit == "/min"
    assert not Alert.objects.exists()


@pytest.mark.req("DSM39-5.4")
@pytest.mark.parametrize(
    ("value", "level"), [(72, None), (100, None), (101, "warning"), (131, "critical"), (39, "critical")]
)
def test_a_reading_is_judged_against_the_plan_on_arrival(team, value, level):
    team.start()
    reading = team.reading(value)
    alert = Alert.objects.filter(reading=reading).first()
    assert (alert.level if alert else None) == level
    if alert:
        assert alert.plan.ordering_doctor == team.doctor and alert.patient == team.patient and alert.status == "open"


@pytest.mark.req("DSM39-5.4")
def test_an_ended_plan_or_one_past_its_end_date_raises_no_alert(team):
    plan = team.start()
    plan_end(actor=team.doctor, plan=plan)
    team.reading(200)
    assert not Alert.objects.exists()

    lapsed = team.start()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    MonitoringPlan.objects.filter(pk=lapsed.pk).update(started_on=yesterday, ends_on=yesterday)
    team.reading(200)
    assert not Alert.objects.exists()


@pytest.mark.req("DSM39-5.4")
def test_a_plan_judges_only_readings_taken_since_it_started(team):
    team.start()
    team.reading(200, taken_at=timezone.now() - datetime.timedelta(days=3))  # from the device's memory
    assert not Alert.objects.exists()


@pytest.mark.req("DSM39-5.4")
def test_a_reading_breaking_two_plans_takes_the_most_severe_level_and_tells_both_doctors(team, make_user):
    team.start(limits=[{"indicator": "heart_rate", "warning_high": 120}])
    cardiologist = make_user("doctor", department=team.org.departments[0])
    from monitoring.services import plan_start

    strict = plan_start(actor=cardiologist, patient=team.patient, limits=[{"indicator": "heart_rate", "critical_high": 110}])
    team.reading(125)
    alert = Alert.objects.get()
    assert alert.level == "critical" and alert.plan == strict
    told = set(Notification.objects.filter(subject__contains=team.patient.last_name).values_list("recipient", flat=True))
    # Every clinician of both plans; the reading being critical, the patient (in the cabinet) too.
    assert told == {team.doctor.pk, team.nurse.pk, cardiologist.pk, team.patient.user.pk}


@pytest.mark.req("DSM39-5.3")
@pytest.mark.parametrize(
    ("indicator", "value"), [("heart_rate", 400), ("heart_rate", 5), ("spo2", 101), ("body_temperature", 3666)]
)
def test_an_implausible_value_is_refused_as_an_entry_error_and_nothing_is_saved(team, english, indicator, value):
    team.start()
    with pytest.raises(MonitoringError) as refused:
        team.reading(value, indicator=indicator)
    assert "cannot be a real reading" in refused.value.message_dict["value"][0]
    assert not Reading.objects.exists() and not Alert.objects.exists()
    assert not AuditEntry.objects.filter(object_type="monitoring.Reading").exists()


@pytest.mark.req("DSM39-5.3")
def test_a_reading_from_the_future_or_too_old_is_refused(team, english):
    now = timezone.now()
    with pytest.raises(MonitoringError) as refused:
        team.reading(80, taken_at=now + datetime.timedelta(minutes=6))
    assert refused.value.message_dict["taken_at"] == ["The time of the reading is in the future."]
    with pytest.raises(MonitoringError) as refused:
        team.reading(80, taken_at=now - datetime.timedelta(days=31))
    assert "older than 30 days" in refused.value.message_dict["taken_at"][0]
    with pytest.raises(MonitoringError):
        team.reading(80, taken_at=datetime.datetime(2025, 1, 1, 12))  # naive: no zone, no meaning
    assert not Reading.objects.exists()
    team.reading(80, taken_at=now + datetime.timedelta(minutes=4))  # a clock a little ahead is fine
    assert Reading.objects.count() == 1


@pytest.mark.req("DSM39-5.5")
@pytest.mark.req("DSM39-4.15")
def test_an_alert_tells_the_ordering_doctor_and_the_monitoring_clinician_in_the_app(team):
    team.start()
    team.reading(110)
    to_doctor = Notification.objects.get(recipient=team.doctor)
    assert to_doctor.subject == f"Reading out of limits: {team.patient.full_name}"  # the doctor reads English
    assert "Heart rate 110 bpm" in to_doctor.body and "(Warning)" in to_doctor.body
    assert Notification.objects.filter(recipient=team.nurse, body__contains="110").count() == 1
    assert not OutboxMessage.objects.exists()  # a warning is for the app only


@pytest.mark.req("DSM39-5.5")
def test_a_critical_alert_goes_out_through_the_outbox_in_the_same_transaction(team):
    team.start()
    with pytest.raises(RuntimeError), transaction.atomic():
        team.reading(150)
        outgoing = {(m.channel, m.payload.get("to") or m.payload.get("phone")) for m in OutboxMessage.objects.all()}
        assert outgoing == {("email", "doctor@example.kz"), ("email", "nurse@example.kz"), ("sms", "+77010000011")}
        assert Notification.objects.filter(recipient__in=[team.doctor, team.nurse], body__contains="150").count() == 2
        raise RuntimeError("the transaction fails after the alert")
    # Nothing of it survives a rollback: no alert without its messages, no message without its alert.
    assert not Reading.objects.exists() and not Alert.objects.exists()
    assert not OutboxMessage.objects.exists() and not Notification.objects.filter(body__contains="150").exists()

    team.reading(150)
    alert = Alert.objects.get()
    sms = OutboxMessage.objects.get(channel="sms")
    assert sms.patient == team.patient
    assert sms.idempotency_key == f"monitoring-alert-{alert.uuid}-patient-{team.patient.pk}-sms"
    assert "103" in sms.payload["text"]
    email = OutboxMessage.objects.get(payload__to="doctor@example.kz")
    assert email.payload["subject"] == f"Critical reading: {team.patient.full_name}"


@pytest.mark.req("DSM80-22.5")
def _represent(patient, **fields) -> LegalRepresentative:
    return LegalRepresentative.objects.create(
        patient=patient,
        kind="parent",
        iin=PatientFactory.build().iin,
        last_name="Омарова",
        first_name="Сауле",
        document_name="Свидетельство о рождении",
        document_number="I-123",
        document_date=datetime.date(2015, 1, 1),
        **fields,
    )


@pytest.mark.req("DSM39-5.5")
def test_a_critical_alert_reaches_each_legal_representative_in_force_in_their_language(team, make_user):
    mother = make_user("patient", preferred_language="en")  # the patient reads Kazakh, the mother English
    representative = _represent(team.patient, user=mother, phone="+77010000022")
    _represent(team.patient, phone="+77010000033", valid_until=timezone.localdate() - datetime.timedelta(days=1))
    team.start()
    team.reading(110)  # a warning: for the clinicians only
    assert not OutboxMessage.objects.exists()
    assert not Notification.objects.filter(recipient__in=[team.patient.user, mother]).exists()

    with CaptureQueriesContext(connection) as queries:
        team.reading(150)
    alert = Alert.objects.get(level="critical")
    phones = set(OutboxMessage.objects.filter(channel="sms").values_list("payload__phone", flat=True))
    assert phones == {"+77010000011", "+77010000022"}  # not the representative whose authority ended
    sms = OutboxMessage.objects.get(payload__phone="+77010000022")
    assert sms.idempotency_key == f"monitoring-alert-{alert.uuid}-representative-{representative.pk}-sms"
    text = sms.payload["text"]
    assert text.startswith(f"{team.patient.full_name}, Heart rate 150 bpm at ") and text.endswith("call 103.")
    assert Notification.objects.get(recipient=mother).body == text  # and in the cabinet
    assert Notification.objects.filter(recipient=team.patient.user, body__contains="103").count() == 1
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "scheduling_notification"')]
    assert len(inserts) == 1  # clinicians, patient and representative in one write


@pytest.mark.req("DSM80-22.5")
def test_a_reading_and_its_alert_are_journaled(team):
    team.start()
    reading = team.reading(150)
    entries = AuditEntry.objects.filter(patient=team.patient, action="create")
    assert entries.filter(object_type="monitoring.Reading", object_id=str(reading.pk), actor=team.doctor).exists()
    alert_entry = entries.get(object_type="monitoring.Alert")
    assert alert_entry.fields["level"] == [None, "critical"]


# --- A device's batch -----------------------------------------------------------------------------
def _batch(size: int, start_value: int = 60) -> list[dict]:
    now = timezone.now()
    return [
        {"indicator": "heart_rate", "value": start_value + 5 * n, "taken_at": now - datetime.timedelta(seconds=size - n)}
        for n in range(size)
    ]


@pytest.mark.req("DSM39-5.4")
def test_a_batch_is_stored_and_judged_in_a_fixed_number_of_queries(team):
    team.start()
    team.doctor.has_perm("monitoring.add_reading")  # warm the permission cache for both runs alike

    def upload(size):
        with CaptureQueriesContext(connection) as queries:
            readings_record_many(
                actor=team.doctor, patient=team.patient, readings=_batch(size), source="device", device_id="PULSE-1"
            )
        return len(queries)

    small = upload(3)  # 60, 65, 70: within the limits
    large = upload(30)  # up to 205: warnings and critical ones
    assert large <= small + 4  # the alerts, the clinicians' messages and the outbox: once each, not per reading
    assert Reading.objects.count() == 33
    assert Reading.objects.filter(device_id="PULSE-1", source="device").count() == 33
    assert Alert.objects.filter(level="critical").count() == 15  # 135…205
    assert Alert.objects.filter(level="warning").count() == 6  # 105…130
    assert Notification.objects.filter(recipient=team.doctor).count() == 1  # one message for the upload
    assert AuditEntry.objects.filter(object_type="monitoring.Reading").count() == 33


@pytest.mark.req("DSM39-5.3")
def test_a_batch_with_one_implausible_reading_is_refused_whole(team, english):
    team.start()
    readings = _batch(5)
    readings[2]["value"] = 900
    with pytest.raises(MonitoringError) as refused:
        readings_record_many(actor=team.doctor, patient=team.patient, readings=readings, source="device")
    assert refused.value.message_dict["readings"][0].startswith("3: ")
    assert not Reading.objects.exists()


# --- Acknowledging --------------------------------------------------------------------------------
@pytest.mark.req("DSM80-22.5")
def test_a_clinician_acknowledges_an_alert_once(team, english):
    team.start()
    alert = team.reading(150).alert
    alert_acknowledge(actor=team.nurse, alert=alert, note="Called the patient; ambulance sent.")
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == team.nurse and alert.acknowledged_at
    assert alert.note == "Called the patient; ambulance sent."
    assert AuditEntry.objects.filter(object_type="monitoring.Alert", action="update", actor=team.nurse).exists()
    with pytest.raises(MonitoringError, match="already been acknowledged"):
        alert_acknowledge(actor=team.doctor, alert=alert)
    with pytest.raises(PermissionDenied):
        alert_acknowledge(actor=team.patient.user, alert=alert)


@pytest.mark.req("DSM39-4.15")
@pytest.mark.req("DSM80-22.5")
def test_plans_past_their_end_date_are_marked_ended_nightly_and_journaled(team):
    expired = team.start()
    other = PatientFactory(organisation=team.org.organisation, site=team.org.sites[0])
    running = plan_start(actor=team.doctor, patient=other, limits=[HEART_RATE])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    # As if it had been ordered a week ago until yesterday.
    MonitoringPlan.objects.filter(pk=expired.pk).update(started_on=yesterday - datetime.timedelta(days=6), ends_on=yesterday)
    MonitoringPlan.objects.filter(pk=running.pk).update(ends_on=timezone.localdate())

    assert end_expired_plans() == 1
    expired.refresh_from_db()
    running.refresh_from_db()
    assert expired.status == "ended" and expired.ended_at is not None and running.status == "active"
    entry = AuditEntry.objects.filter(object_id=str(expired.pk), object_type="monitoring.MonitoringPlan").latest("id")
    assert entry.fields == {"status": ["active", "ended"]} and entry.reason == "end date passed"
    assert end_expired_plans() == 0  # nothing left to end
