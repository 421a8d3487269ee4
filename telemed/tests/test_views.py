"""The pages: every one answers anonymous, unpermitted, unseen and allowed users as it should; the cabinet
shows a patient their own sessions and messages only, and a representative exactly the persons
represented; lists take a bounded number of queries."""

import datetime

import pytest
from django.contrib import messages
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from accounts.access import register_patient_relation, unregister_patient_relation
from accounts.roles import Role
from accounts.services import role_assign
from accounts.tests.factories import OrganisationFactory, UserFactory
from accounts.tests.helpers import force_login_verified
from audit.models import AuditEntry
from patients.tests.factories import PatientFactory, RepresentativeFactory
from telemed.models import ClinicianMessage, RemoteSession
from telemed.services import message_send, remote_session_transition
from telemed.tests.factories import schedule_session


def signed_in(user) -> Client:
    return force_login_verified(Client(), user)


def note(care, patient=None, subject="Walk daily"):
    return message_send(
        actor=care.doctor, patient=patient or care.patient, kind="lifestyle", subject=subject, body="30 minutes."
    )


@pytest.fixture
def people(care, make_user, org):
    """Besides `care`: a nurse (no telemed permission), a doctor of another department (does not see the
    patient), and another patient of the same clinician with a session and a message."""
    neighbour = PatientFactory(organisation=org.organisation, site=org.sites[0], user=make_user("patient"))
    return {
        "nurse": make_user("nurse", department=org.departments[0]),
        "paediatrician": make_user("doctor", department=org.departments[1]),
        "neighbour": neighbour,
        "neighbour_session": schedule_session(doctor=care.doctor, patient=neighbour),
        "neighbour_message": note(care, neighbour, subject="Neighbour's diet"),
    }


def assert_four_ways(url, *, allowed, unpermitted, unseen, method="get", data=None, ok=200):
    request = lambda client: getattr(client, method)(url, data or {})  # noqa: E731
    anonymous = request(Client())
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert request(signed_in(unpermitted)).status_code == 403
    assert request(signed_in(unseen)).status_code == 404
    assert request(signed_in(allowed)).status_code == ok


# --- Staff pages ------------------------------------------------------------------------------------
def test_the_patients_remote_care_page_answers_four_ways_and_is_journaled(care, people):
    url = reverse("telemed:patient_telemed", args=[care.patient.uuid])
    assert_four_ways(url, allowed=care.doctor, unpermitted=people["nurse"], unseen=people["paediatrician"])
    assert AuditEntry.objects.filter(action="view", actor=care.doctor, patient=care.patient).exists()


def test_the_chart_links_to_remote_care_for_clinicians(care, people):
    chart = signed_in(care.doctor).get(reverse("patients:detail", args=[care.patient.uuid])).content.decode()
    assert reverse("telemed:patient_telemed", args=[care.patient.uuid]) in chart
    chart = signed_in(people["nurse"]).get(reverse("patients:detail", args=[care.patient.uuid])).content.decode()
    assert reverse("telemed:patient_telemed", args=[care.patient.uuid]) not in chart


def test_scheduling_from_the_patients_page(care, people):
    url = reverse("telemed:session_schedule", args=[care.patient.uuid])
    start = (datetime.datetime.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT10:30")
    data = {"clinician": care.doctor.uuid, "scheduled_start": start, "form": "chat"}
    assert_four_ways(
        url,
        allowed=care.doctor,
        unpermitted=people["nurse"],
        unseen=people["paediatrician"],
        method="post",
        data=data,
        ok=302,
    )
    session = RemoteSession.objects.get(patient=care.patient)
    assert session.form == "chat" and session.clinician == care.doctor
    # Typed in the clinic's time zone, kept as an aware moment.
    assert session.scheduled_start.astimezone(datetime.UTC).strftime("%H:%M") == "05:30"  # Almaty is UTC+5


def test_a_scheduling_mistake_is_shown_next_to_the_field_and_keeps_what_was_typed(care):
    url = reverse("telemed:session_schedule", args=[care.patient.uuid])
    response = signed_in(care.doctor).post(
        url, {"clinician": care.doctor.uuid, "scheduled_start": "2001-01-01T09:00", "form": "video"}
    )
    assert response.status_code == 400 and response.context["schedule_form"].errors["scheduled_start"]
    assert 'value="2001-01-01T09:00"' in response.content.decode()
    assert not RemoteSession.objects.exists()


@pytest.mark.req("DSM39-4.16")
def test_writing_to_the_patient_from_their_page(care, people):
    url = reverse("telemed:message_send", args=[care.patient.uuid])
    data = {"kind": "adherence", "subject": "Tablets", "body": "Every morning."}
    assert_four_ways(
        url,
        allowed=care.doctor,
        unpermitted=people["nurse"],
        unseen=people["paediatrician"],
        method="post",
        data=data,
        ok=302,
    )
    assert ClinicianMessage.objects.filter(patient=care.patient, subject="Tablets").count() == 1
    empty = signed_in(care.doctor).post(url, {"kind": "adherence", "subject": "Kept", "body": ""})
    assert empty.status_code == 400 and empty.context["message_form"].errors["body"]
    assert 'value="Kept"' in empty.content.decode()


def test_the_session_page_answers_four_ways_with_the_clinicians_actions(care, people):
    session = schedule_session(doctor=care.doctor, patient=care.patient)
    url = reverse("telemed:session", args=[session.uuid])
    assert_four_ways(url, allowed=care.doctor, unpermitted=people["nurse"], unseen=people["paediatrician"])
    remote_session_transition(actor=care.patient.user, session=session, to="waiting")
    page = signed_in(care.doctor).get(url)
    assert [a["to"] for a in page.context["actions"]] == ["in_progress", "cancelled"]
    assert 'data-testid="video-area"' in page.content.decode()


@pytest.fixture
def outsider(care):
    """A doctor of another clinic who sees `care.patient` (a stand-in for a relation such as a referral)."""
    doctor = UserFactory(organisation=OrganisationFactory(code="OTHER"))
    role_assign(user=doctor, role=Role.DOCTOR, organisation=doctor.organisation)
    register_patient_relation("test_referred", lambda user: Q(pk=care.patient.pk) if user.pk == doctor.pk else Q(pk__in=[]))
    yield doctor
    unregister_patient_relation("test_referred")


@pytest.mark.req("DSM80-25")
def test_the_session_page_of_another_clinics_patient_waits_for_the_consent(care, outsider, national_sim):
    session = schedule_session(doctor=outsider, patient=care.patient)
    national_sim.control("consents", iin=care.patient.iin, status="pending")
    client = signed_in(outsider)
    url = reverse("telemed:session", args=[session.uuid])
    page = client.get(url).content.decode()
    assert 'data-testid="consent-pending"' in page and 'data-testid="session"' not in page
    assert care.patient.iin not in page
    assert not AuditEntry.objects.filter(action="view", actor=outsider, patient=care.patient).exists()
    national_sim.control("consents", iin=care.patient.iin, status="granted")
    assert client.post(reverse("patients:consent_check", args=[care.patient.uuid])).status_code == 302
    assert 'data-testid="session"' in client.get(url).content.decode()


def test_the_clinicians_sessions_start_and_complete_from_the_list(care, people, make_user):
    url = reverse("telemed:my_sessions")
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert signed_in(make_user("registrar")).get(url).status_code == 403
    assert signed_in(people["paediatrician"]).get(url).context["today"] == []  # only one's own sessions
    session = schedule_session(doctor=care.doctor, patient=care.patient)
    remote_session_transition(actor=care.patient.user, session=session, to="waiting")
    client = signed_in(care.doctor)
    page = client.get(url)
    assert {s.pk for s in page.context["today"]} == {session.pk, people["neighbour_session"].pk}
    assert 'data-testid="start"' in page.content.decode()
    transition = reverse("telemed:session_transition", args=[session.uuid])
    assert client.post(transition, {"to": "in_progress", "next": url})["Location"] == url
    assert client.post(transition, {"to": "completed", "next": url}).status_code == 302
    assert RemoteSession.objects.get(pk=session.pk).status == "completed"


def test_a_transition_of_a_session_one_does_not_take_part_in_is_not_found(care, people):
    url = reverse("telemed:session_transition", args=[people["neighbour_session"].uuid])
    assert Client().post(url, {"to": "waiting"}).status_code == 302
    assert signed_in(care.patient.user).post(url, {"to": "cancelled", "reason": "x"}).status_code == 404
    assert signed_in(people["paediatrician"]).post(url, {"to": "cancelled", "reason": "x"}).status_code == 404
    assert RemoteSession.objects.get(pk=people["neighbour_session"].pk).status == "scheduled"


def test_list_pages_take_a_bounded_number_of_queries(care, org, make_user, django_assert_max_num_queries):
    for n in range(12):
        other = PatientFactory(organisation=org.organisation, site=org.sites[0])
        schedule_session(doctor=care.doctor, patient=other, minutes=60 * 24 + n)
        schedule_session(doctor=care.doctor, patient=care.patient, minutes=60 * 24 * 2 + n)
        note(care)
    doctor, patient = signed_in(care.doctor), signed_in(care.patient.user)
    with django_assert_max_num_queries(15):
        assert len(doctor.get(reverse("telemed:my_sessions")).context["later"]) == 24
    with django_assert_max_num_queries(18):
        page = doctor.get(reverse("telemed:patient_telemed", args=[care.patient.uuid]))
        assert len(page.context["upcoming"]) == 12 and len(page.context["clinician_messages"]) == 12
    with django_assert_max_num_queries(15):
        assert len(patient.get(reverse("telemed:my_remote_sessions")).context["upcoming"]) == 12
    with django_assert_max_num_queries(15):
        assert len(patient.get(reverse("telemed:my_messages")).context["inbox"]) == 12


# --- The personal cabinet ---------------------------------------------------------------------------
pytestmark_cabinet = pytest.mark.req("DSM39-4.12")


@pytestmark_cabinet
def test_cabinet_pages_are_for_cabinet_users(care, people):
    for name in ("telemed:my_remote_sessions", "telemed:my_messages"):
        url = reverse(name)
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        assert signed_in(care.doctor).get(url).status_code == 403
        assert signed_in(care.patient.user).get(url).status_code == 200


@pytestmark_cabinet
def test_a_patient_sees_only_their_own_sessions_and_messages(care, people):
    own_session = schedule_session(doctor=care.doctor, patient=care.patient)
    own_message = note(care)
    client = signed_in(care.patient.user)
    sessions = client.get(reverse("telemed:my_remote_sessions"))
    assert [s.pk for s in sessions.context["upcoming"]] == [own_session.pk]
    assert 'data-testid="enter-waiting-room"' in sessions.content.decode()
    inbox = client.get(reverse("telemed:my_messages"))
    assert [m.pk for m in inbox.context["inbox"]] == [own_message.pk]
    assert "Neighbour&#x27;s diet" not in inbox.content.decode() and 'data-testid="unread"' in inbox.content.decode()
    assert client.get(reverse("telemed:my_message", args=[people["neighbour_message"].uuid])).status_code == 404
    transition = reverse("telemed:session_transition", args=[people["neighbour_session"].uuid])
    assert client.post(transition, {"to": "cancelled", "reason": "x"}).status_code == 404
    assert AuditEntry.objects.filter(action="view", actor=care.patient.user, patient=care.patient).count() == 2


@pytestmark_cabinet
@pytest.mark.req("DSM39-4.16")
def test_opening_a_message_marks_it_read_and_journals_the_reading(care):
    message = note(care)
    client = signed_in(care.patient.user)
    page = client.get(reverse("telemed:my_message", args=[message.uuid]))
    assert page.status_code == 200 and "30 minutes." in page.content.decode()
    message.refresh_from_db()
    assert message.read_by == care.patient.user and message.read_at is not None
    journal = AuditEntry.objects.filter(object_type="telemed.ClinicianMessage", object_id=str(message.pk))
    assert set(journal.values_list("action", flat=True)) == {"create", "view", "update"}
    assert 'data-testid="unread"' not in client.get(reverse("telemed:my_messages")).content.decode()


@pytestmark_cabinet
def test_the_patient_enters_the_waiting_room_and_cancels_with_a_reason_from_the_cabinet(care, client, english):
    session = schedule_session(doctor=care.doctor, patient=care.patient)
    client = force_login_verified(client, care.patient.user)
    url = reverse("telemed:session_transition", args=[session.uuid])
    entered = client.post(url, {"to": "waiting"}, follow=True)
    assert entered.redirect_chain == [(reverse("telemed:my_remote_sessions"), 302)]
    refused = client.post(url, {"to": "cancelled", "reason": ""}, follow=True)
    assert RemoteSession.objects.get(pk=session.pk).status == "waiting"
    [said] = refused.context["messages"]  # said why
    assert said.level == messages.ERROR and str(said) == "Say why."
    client.post(url, {"to": "cancelled", "reason": "Feeling better"})
    assert RemoteSession.objects.get(pk=session.pk).status == "cancelled"
    past = client.get(reverse("telemed:my_remote_sessions")).context["past"]
    assert [s.pk for s in past] == [session.pk]


@pytestmark_cabinet
def test_a_representative_sees_exactly_the_persons_represented(care, people, org, make_user):
    child_session = schedule_session(doctor=care.doctor, patient=care.patient)
    child_message = note(care)
    # A person she represented once, whose document has expired.
    former = PatientFactory(organisation=org.organisation, site=org.sites[0])
    RepresentativeFactory(patient=former, user=care.mother, valid_until=datetime.date(2000, 1, 1))
    former_message = note(care, former)
    client = signed_in(care.mother)
    sessions = client.get(reverse("telemed:my_remote_sessions"))
    assert sessions.context["cabinet_patient"] == care.patient  # she has no record of her own
    assert [s.pk for s in sessions.context["upcoming"]] == [child_session.pk]
    assert [m.pk for m in client.get(reverse("telemed:my_messages")).context["inbox"]] == [child_message.pk]
    assert client.get(reverse("telemed:my_message", args=[child_message.uuid])).status_code == 200
    for other in (former_message, people["neighbour_message"]):
        assert client.get(reverse("telemed:my_message", args=[other.uuid])).status_code == 404
    child_message.refresh_from_db()
    assert child_message.read_by == care.mother
    url = reverse("telemed:session_transition", args=[child_session.uuid])
    assert client.post(url, {"to": "waiting"}).status_code == 302
    assert RemoteSession.objects.get(pk=child_session.pk).status == "waiting"
