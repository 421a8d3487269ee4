"""A patient goes through the personal cabinet's sections in a real browser: downloads a document, enters
a remote session's waiting room, reads a clinician's message, enters a reading that raises an alert, and
sees who opened their data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from monitoring.models import Alert
from patients.tests.factories import PatientFactory
from records.tests.factories import PDF, add_document
from scheduling.models import Notification
from telemed.models import ClinicianMessage, RemoteSession
from telemed.services import message_send
from telemed.tests.factories import schedule_session
from tests.e2e.helpers import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEART_RATE = {"indicator": "heart_rate", "warning_low": 50, "warning_high": 100, "critical_low": 40, "critical_high": 130}


@pytest.mark.req("DSM39-4.12")
@pytest.mark.req("DSM39-4.16")
@pytest.mark.req("DSM39-4.18")
def test_a_patient_uses_every_section_of_the_cabinet(page, live_server, make_user, org, password):
    from monitoring.services import plan_start

    doctor = make_user(Role.DOCTOR, department=org.departments[0], first_name="Айгуль", last_name="Серикова")
    patient_user = make_user(Role.PATIENT, username="patient-1")
    patient = PatientFactory(organisation=org.organisation, site=org.sites[0], user=patient_user)
    document = add_document(doctor, patient, title="Заключение кардиолога")
    add_document(doctor, patient, title="Черновик для коллег", shared=False)
    session = schedule_session(doctor=doctor, patient=patient, minutes=10)
    message = message_send(
        actor=doctor, patient=patient, kind="lifestyle", subject="Прогулки", body="Гуляйте по 30 минут каждый день."
    )
    plan_start(actor=doctor, patient=patient, limits=[HEART_RATE])

    sign_in(page, "patient-1", password)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(reverse("patients:cabinet"))
    assert page.get_by_test_id("summary-messages").inner_text() == "1 непрочитанное"
    shot(page, "cabinet-overview")

    page.goto("/records/cabinet/documents/")
    documents = page.get_by_test_id("cabinet-documents")
    assert "Заключение кардиолога" in documents.inner_text() and "Черновик" not in documents.inner_text()
    shot(page, "cabinet-documents")
    with page.expect_download() as download:
        page.get_by_test_id(f"document-{document.uuid}").get_by_test_id("download").click()
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == PDF

    page.goto("/telemed/cabinet/sessions/")
    shot(page, "cabinet-sessions")
    page.get_by_test_id(f"session-{session.uuid}").get_by_test_id("enter-waiting-room").click()
    page.wait_for_load_state()
    assert RemoteSession.objects.get(pk=session.pk).status == "waiting"
    assert Notification.objects.filter(recipient=doctor).exists()  # the clinician hears the patient is waiting

    page.goto("/telemed/cabinet/messages/")
    assert page.get_by_test_id(f"message-{message.uuid}").get_by_test_id("unread").is_visible()
    page.get_by_test_id(f"message-{message.uuid}").click()
    assert "Гуляйте по 30 минут" in page.get_by_test_id("message").inner_text()
    shot(page, "cabinet-message")
    assert ClinicianMessage.objects.get(pk=message.pk).read_by == patient_user

    page.goto("/monitoring/cabinet/")
    form = page.get_by_test_id("reading-form")
    form.locator("#id_indicator").select_option("heart_rate")
    form.locator("#id_value").fill("142")
    taken = timezone.localtime() - datetime.timedelta(minutes=5)
    form.locator("#id_taken_at").fill(taken.strftime("%Y-%m-%dT%H:%M"))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "142" in page.get_by_test_id("alerts").inner_text()
    shot(page, "cabinet-readings")
    alert = Alert.objects.get(patient=patient)
    assert alert.level == "critical" and alert.reading.source == "manual_patient"

    page.goto(reverse("audit:my_access_log"))
    log = page.get_by_test_id("access-log").inner_text()
    shot(page, "cabinet-access-log")
    assert "Серикова Айгуль" in log  # the doctor who added the documents and wrote to the patient
