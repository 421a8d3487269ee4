"""Who sees a monitored patient's data (DSM39-4.15), the staff pages, and their journal entries."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.access import can_access_patient
from accounts.models import RoleAssignment
from accounts.tests.factories import OrganisationFactory
from accounts.tests.helpers import force_login_verified
from audit.models import AuditEntry
from monitoring.models import Alert, MonitoringPlan, PlanLimit, Reading
from monitoring.services import MONITORING_LEVEL, plan_end
from patients.models import PersonalDataConsent
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    return force_login_verified(Client(HTTP_ACCEPT_LANGUAGE="en"), user)


def page_url(patient) -> str:
    return reverse("monitoring:patient_monitoring", kwargs={"patient_uuid": patient.uuid})


@pytest.mark.req("DSM39-4.15")
def test_the_monitoring_clinician_sees_the_patient_while_the_plan_is_active(team):
    assert not can_access_patient(team.nurse, team.patient, MONITORING_LEVEL)  # another department's nurse
    assert signed_in(team.nurse).get(page_url(team.patient)).status_code == 404

    plan = team.start()
    assert can_access_patient(team.nurse, team.patient, MONITORING_LEVEL)
    assert signed_in(team.nurse).get(page_url(team.patient)).status_code == 200

    plan_end(actor=team.doctor, plan=plan)
    assert not can_access_patient(team.nurse, team.patient, MONITORING_LEVEL)
    assert signed_in(team.nurse).get(page_url(team.patient)).status_code == 404


@pytest.mark.req("DSM39-4.15")
def test_the_ordering_doctor_sees_the_patient_through_the_plan_until_it_ends(team, make_user):
    # A consultant of another department with no role over the patient ordered the monitoring (the plan
    # is written directly: plan_start itself needs access to the patient).
    consultant = make_user("doctor", department=team.org.departments[1])
    assert not can_access_patient(consultant, team.patient, MONITORING_LEVEL)
    plan = MonitoringPlan.objects.create(
        patient=team.patient,
        ordering_doctor=consultant,
        organisation=team.org.organisation,
        started_on=timezone.localdate(),
    )
    assert can_access_patient(consultant, team.patient, MONITORING_LEVEL)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    MonitoringPlan.objects.filter(pk=plan.pk).update(started_on=yesterday, ends_on=yesterday)  # past its end
    assert not can_access_patient(consultant, team.patient, MONITORING_LEVEL)


@pytest.mark.req("DSM80-10")
def test_the_patient_page_answers_each_kind_of_visitor(team, make_user):
    url = page_url(team.patient)
    assert Client().get(url).status_code == 302  # anonymous: to the sign-in page
    assert signed_in(make_user("registrar")).get(url).status_code == 403  # no permission
    stranger = make_user("doctor", department=team.org.departments[1])
    assert signed_in(stranger).get(url).status_code == 404  # a patient they may not see
    assert signed_in(team.doctor).get(url).status_code == 200


def test_the_patient_page_shows_plans_readings_and_open_alerts_journaled_once(team, django_assert_max_num_queries):
    team.start()
    for value in (70, 80, 110, 150):
        team.reading(value)
    Reading.objects.bulk_create(
        Reading(patient=team.patient, indicator="spo2", value=97, unit="%", taken_at=timezone.now(), source="device")
        for _ in range(60)
    )
    client = signed_in(team.doctor)
    before = AuditEntry.objects.filter(action="view").count()
    with django_assert_max_num_queries(16):  # constant whatever the number of readings, plans and alerts
        response = client.get(page_url(team.patient))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('data-testid="reading"') == 50  # a page of the newest
    assert content.count('data-testid="open-alert"') == 2
    assert 'data-testid="plan"' in content and 'data-testid="plan-form"' in content
    views = AuditEntry.objects.filter(action="view").order_by("-id")
    assert views.count() == before + 1
    assert views.first().patient_id == team.patient.pk and views.first().fields["part"] == "monitoring"
    second = client.get(page_url(team.patient) + "?page=2").content.decode()
    assert second.count('data-testid="reading"') == 14


def test_a_nurse_sees_no_plan_form_but_enters_readings(team):
    team.start()
    content = signed_in(team.nurse).get(page_url(team.patient)).content.decode()
    assert 'data-testid="plan-form"' not in content and 'data-testid="plan-end"' not in content
    assert 'data-testid="reading-form"' in content


def test_starting_a_plan_from_the_page_shows_errors_next_to_the_fields_and_keeps_what_was_typed(team):
    client = signed_in(team.doctor)
    url = reverse("monitoring:plan_start", kwargs={"patient_uuid": team.patient.uuid})
    response = client.post(url, {"heart_rate__warning_low": "100", "heart_rate__warning_high": "50,5"})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'data-testid="error-heart_rate__warning_high"' in content
    assert "Must not be lower than the “warning below” limit." in content
    assert 'value="50,5"' in content and 'value="100"' in content
    assert not MonitoringPlan.objects.exists()

    response = client.post(
        url,
        {
            "monitoring_clinician": str(team.doctor.uuid),
            "spo2__warning_low": "94",
            "spo2__critical_low": "90",
            "note": "After COVID pneumonia",
        },
    )
    assert response.status_code == 302
    plan = MonitoringPlan.objects.get()
    assert plan.ordering_doctor == team.doctor and plan.note == "After COVID pneumonia"
    assert list(plan.limits.values_list("indicator", "warning_low", "critical_low")) == [("spo2", 94, 90)]


def test_a_reading_form_error_is_shown_next_to_the_field(team):
    client = signed_in(team.nurse)
    team.start()
    url = reverse("monitoring:reading_add", kwargs={"patient_uuid": team.patient.uuid})
    taken_at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"indicator": "heart_rate", "value": "720", "taken_at": taken_at})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'data-testid="error-value"' in content and "cannot be a real reading" in content
    assert 'value="720"' in content
    assert not Reading.objects.exists()

    response = client.post(url, {"indicator": "heart_rate", "value": "135", "taken_at": taken_at})
    assert response.status_code == 302
    reading = Reading.objects.get()
    assert reading.source == "manual_staff" and reading.entered_by == team.nurse
    assert reading.alert.level == "critical"


@pytest.mark.req("DSM39-5.5")
def test_the_alerts_page_lists_the_open_alerts_of_monitored_patients_and_journals_each_patient(
    team, make_user, django_assert_max_num_queries
):
    team.start()
    second = PatientFactory(organisation=team.org.organisation, site=team.org.sites[0], last_name="Жумабаева")
    from monitoring.services import plan_start, reading_record

    plan_start(
        actor=team.doctor,
        patient=second,
        monitoring_clinician=team.nurse,
        limits=[{"indicator": "heart_rate", "warning_high": 90}],
    )
    for patient, value in ((team.patient, 150), (team.patient, 110), (second, 95)):
        reading_record(
            actor=team.doctor,
            patient=patient,
            indicator="heart_rate",
            value=value,
            taken_at=timezone.now(),
            source="manual_staff",
        )
    unmonitored = PatientFactory(organisation=team.org.organisation, site=team.org.sites[0], last_name="Сейткали")
    reading_record(
        actor=team.doctor,
        patient=unmonitored,
        indicator="heart_rate",
        value=200,
        taken_at=timezone.now(),
        source="manual_staff",
    )

    client = signed_in(team.nurse)
    before = AuditEntry.objects.filter(action="view").count()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("monitoring:alerts"))
    content = response.content.decode()
    assert content.count('data-testid="alert"') == 3
    rows = content.split('data-testid="alert"')[1:]
    assert "150" in rows[0] and "Critical" in rows[0]  # critical first
    assert "Жумабаева" in content and "Сейткали" not in content
    views = AuditEntry.objects.filter(action="view").order_by("id")[before:]
    assert sorted(entry.patient_id for entry in views) == sorted([team.patient.pk, second.pk])

    other_nurse = make_user("nurse", department=team.org.departments[0])
    assert 'data-testid="alert"' not in signed_in(other_nurse).get(reverse("monitoring:alerts")).content.decode()


def test_acknowledging_from_the_alerts_page(team, make_user):
    team.start()
    alert = team.reading(150).alert
    client = signed_in(team.nurse)
    response = client.post(
        reverse("monitoring:alert_acknowledge", kwargs={"uuid": alert.uuid}), {"note": "Called", "back": "alerts"}
    )
    assert response.status_code == 302 and response.url == reverse("monitoring:alerts")
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.note == "Called"
    registrar = signed_in(make_user("registrar"))
    assert registrar.post(reverse("monitoring:alert_acknowledge", kwargs={"uuid": alert.uuid})).status_code == 403
    assert Alert.objects.get().status == "acknowledged"


def test_a_note_longer_than_the_form_allows_is_refused_and_the_alert_stays_open(team):
    team.start()
    alert = team.reading(150).alert
    client = signed_in(team.nurse)
    url = reverse("monitoring:alert_acknowledge", kwargs={"uuid": alert.uuid})
    response = client.post(url, {"note": "x" * 1001, "back": "alerts"}, follow=True)
    assert "The alert is not acknowledged" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open" and alert.note == "" and alert.acknowledged_by is None
    assert not AuditEntry.objects.filter(object_type="monitoring.Alert", action="update").exists()

    response = client.post(url, {"note": "Called; ambulance sent", "back": "patient"})
    assert response.status_code == 302 and response.url == page_url(team.patient)
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.note == "Called; ambulance sent"


def test_ending_a_plan_from_the_page_ends_it(team):
    plan = team.start()
    client = signed_in(team.doctor)
    response = client.post(reverse("monitoring:plan_end", kwargs={"uuid": plan.uuid}), follow=True)
    assert "Remote monitoring is ended." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "ended" and plan.ended_by == team.doctor
    response = client.post(reverse("monitoring:plan_end", kwargs={"uuid": plan.uuid}), follow=True)
    assert "already ended" in response.content.decode()  # refused, shown, and nothing changes


@pytest.fixture
def outsider(team, make_user):
    """A doctor of another clinic who monitors the patient (the plan gives access) while the clinic has
    no answer yet to its request for the patient's personal-data consent, and an open alert of that plan."""
    other = OrganisationFactory(code="OTHER")
    doctor = make_user("doctor", organisation=other)
    RoleAssignment.objects.filter(user=doctor).update(organisation=other, department=None)
    doctor = type(doctor).objects.get(pk=doctor.pk)
    plan = MonitoringPlan.objects.create(
        patient=team.patient, ordering_doctor=doctor, organisation=other, started_on=timezone.localdate()
    )
    PlanLimit.objects.create(plan=plan, indicator="heart_rate", warning_high=100)
    alert = team.reading(120).alert
    consent = PersonalDataConsent.objects.create(
        patient=team.patient, organisation=other, service="state", status="pending", requested_by=doctor
    )
    return doctor, plan, alert, consent


@pytest.mark.req("DSM80-25")
def test_without_the_patients_consent_another_clinics_doctor_sees_and_changes_nothing(team, outsider):
    doctor, plan, alert, consent = outsider
    client = signed_in(doctor)
    views_before = AuditEntry.objects.filter(action="view").count()

    page = client.get(page_url(team.patient)).content.decode()
    assert 'data-testid="consent-pending"' in page and 'data-testid="readings"' not in page
    assert 'data-testid="alert"' not in client.get(reverse("monitoring:alerts")).content.decode()
    response = client.post(reverse("monitoring:alert_acknowledge", kwargs={"uuid": alert.uuid}), {"note": "Seen"})
    assert 'data-testid="consent-pending"' in response.content.decode()
    response = client.post(reverse("monitoring:plan_end", kwargs={"uuid": plan.uuid}))
    assert 'data-testid="consent-pending"' in response.content.decode()
    alert.refresh_from_db()
    plan.refresh_from_db()
    assert alert.status == "open" and plan.status == "active"
    assert AuditEntry.objects.filter(action="view").count() == views_before

    PersonalDataConsent.objects.filter(pk=consent.pk).update(status="granted")
    assert client.get(reverse("monitoring:alerts")).content.decode().count('data-testid="alert"') == 1
    client.post(reverse("monitoring:alert_acknowledge", kwargs={"uuid": alert.uuid}), {"note": "Seen"})
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == doctor
