"""The cabinet's readings and alerts (DSM39-4.12): the patient's own, or the represented person's, and the
patient's own entry of readings (DSM39-5.3) judged like any other (DSM39-5.4)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.helpers import force_login_verified
from audit.models import AuditEntry
from monitoring.models import Alert, Reading
from patients.models import LegalRepresentative
from patients.tests.factories import PatientFactory
from scheduling.models import Notification

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    return force_login_verified(Client(HTTP_ACCEPT_LANGUAGE="en"), user)


def now_typed() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


@pytest.mark.req("DSM39-4.12")
def test_a_patient_sees_their_own_readings_and_never_another_patients(team, make_user, django_assert_max_num_queries):
    team.start()
    team.reading(150)
    Reading.objects.bulk_create(
        Reading(patient=team.patient, indicator="spo2", value=97, unit="%", taken_at=timezone.now(), source="device")
        for _ in range(60)
    )
    other = PatientFactory(organisation=team.org.organisation, site=team.org.sites[0], user=make_user("patient"))
    Reading.objects.create(
        patient=other, indicator="weight", value="123.45", unit="kg", taken_at=timezone.now(), source="manual_patient"
    )
    client = signed_in(team.patient.user)
    with django_assert_max_num_queries(16):  # constant whatever the number of readings, plans and alerts
        response = client.get(reverse("monitoring:my_readings"))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('data-testid="reading"') == 50  # a page of the newest
    second = client.get(reverse("monitoring:my_readings") + "?page=2").content.decode()
    assert second.count('data-testid="reading"') == 11 and ">150 " in second
    assert content.count('data-testid="alert"') == 1
    assert "123.45" not in content and "123,45" not in content
    entry = AuditEntry.objects.filter(action="view").latest("id")
    assert entry.patient_id == team.patient.pk and entry.fields["part"] == "cabinet_monitoring"

    content = signed_in(other.user).get(reverse("monitoring:my_readings")).content.decode()
    assert content.count('data-testid="reading"') == 1 and "123.45" in content and 'data-testid="alert"' not in content


@pytest.mark.req("DSM39-4.12")
def test_a_representative_sees_the_represented_persons_readings(team, make_user):
    team.reading(88)
    mother = make_user("patient")
    LegalRepresentative.objects.create(
        patient=team.patient,
        kind="parent",
        iin=PatientFactory.build().iin,
        last_name="Омарова",
        first_name="Сауле",
        document_name="Свидетельство о рождении",
        document_number="I-123",
        document_date=datetime.date(2015, 1, 1),
        user=mother,
    )
    content = signed_in(mother).get(reverse("monitoring:my_readings")).content.decode()
    assert content.count('data-testid="reading"') == 1 and ">88 " in content

    stranger = make_user("patient")  # neither the patient nor a representative
    content = signed_in(stranger).get(reverse("monitoring:my_readings")).content.decode()
    assert 'data-testid="reading"' not in content


@pytest.mark.req("DSM39-5.3")
@pytest.mark.req("DSM39-5.5")
def test_a_patient_entering_a_reading_out_of_limits_raises_an_alert(team):
    team.start()
    client = signed_in(team.patient.user)
    response = client.post(
        reverse("monitoring:my_readings"), {"indicator": "heart_rate", "value": "131", "taken_at": now_typed()}
    )
    assert response.status_code == 302
    reading = Reading.objects.get()
    assert reading.source == "manual_patient" and reading.entered_by == team.patient.user
    assert Alert.objects.get(reading=reading).level == "critical"
    assert Notification.objects.filter(recipient__in=[team.doctor, team.nurse], body__contains="131").count() == 2
    assert "out of your limits" in client.get(reverse("monitoring:my_readings")).content.decode()


@pytest.mark.req("DSM39-5.3")
def test_the_cabinet_form_says_what_is_wrong_next_to_the_field_and_keeps_what_was_typed(team):
    client = signed_in(team.patient.user)
    future = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("monitoring:my_readings"), {"indicator": "body_temperature", "value": "36,6", "taken_at": future}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert 'data-testid="error-taken_at"' in content and "in the future" in content
    assert 'value="36,6"' in content and f'value="{future}"' in content
    assert '<option value="body_temperature" selected>' in content
    assert not Reading.objects.exists()

    response = client.post(
        reverse("monitoring:my_readings"), {"indicator": "body_temperature", "value": "36,6", "taken_at": now_typed()}
    )
    assert response.status_code == 302
    assert str(Reading.objects.get().value) == "36.60"


def test_the_cabinet_page_is_for_cabinet_users_only(team):
    url = reverse("monitoring:my_readings")
    assert Client().get(url).status_code == 302
    assert signed_in(team.doctor).get(url).status_code == 403
