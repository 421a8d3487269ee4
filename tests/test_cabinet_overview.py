"""The personal cabinet's overview: each section says in one line what waits there, for the person whose
cabinet is open and nobody else, in a bounded number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.helpers import force_login_verified
from audit.models import AuditEntry
from monitoring.services import plan_start, reading_record
from patients.tests.factories import PatientFactory
from records.tests.factories import add_document
from telemed.services import message_send
from telemed.tests.factories import schedule_session

HEART_RATE = {"indicator": "heart_rate", "warning_low": 50, "warning_high": 100, "critical_low": 40, "critical_high": 130}


@pytest.mark.req("DSM39-4.12")
@pytest.mark.req("DSM39-4.18")
def test_the_overview_summarises_every_section_for_the_open_cabinet_only(
    client, english, org, make_user, django_assert_max_num_queries
):
    doctor = make_user(Role.DOCTOR, department=org.departments[0])
    patient = PatientFactory(organisation=org.organisation, site=org.sites[0], user=make_user(Role.PATIENT))
    neighbour = PatientFactory(organisation=org.organisation, site=org.sites[0])
    for person in (patient, neighbour):
        add_document(doctor, person)
        message_send(actor=doctor, patient=person, kind="lifestyle", subject="Walks", body="Walk daily.")
    add_document(doctor, patient, title="Internal", shared=False)
    session = schedule_session(doctor=doctor, patient=patient, minutes=60)
    plan_start(actor=doctor, patient=patient, limits=[HEART_RATE])
    taken_at = timezone.now() - datetime.timedelta(minutes=5)
    for value in (142, 35):
        reading_record(
            actor=doctor, patient=patient, indicator="heart_rate", value=value, taken_at=taken_at, source="manual_staff"
        )

    force_login_verified(client, patient.user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("patients:cabinet"))
    summaries = {section.key: summary for section, summary in response.context["summaries"]}
    assert summaries["documents"] == "1 document"  # shared ones only, and none of the neighbour's
    assert summaries["messages"] == "1 unread"
    assert summaries["monitoring"] == "2 open alerts"
    local = timezone.localtime(session.scheduled_start)
    assert summaries["remote_sessions"].startswith("Next: ") and local.strftime("%H:%M") in summaries["remote_sessions"]
    assert summaries["appointments"] == ""  # nothing booked: no line rather than a zero
    # The opening is in the journal the person reads of who saw their data.
    entry = AuditEntry.objects.filter(action="view", fields__part="cabinet_overview").get()
    assert (entry.actor, entry.patient) == (patient.user, patient)
