"""Signing up for the personal cabinet by IIN, phone and an SMS code sent through the outbox."""

import re

import pytest
from django.utils import timezone

from accounts.models import User
from integrations.models import OutboxMessage
from patients.models import SignUpCode
from patients.tests.factories import PatientFactory, RepresentativeFactory

pytestmark = [pytest.mark.req("DSM39-4.12"), pytest.mark.req("DSM39-4.4")]
PASSWORD = "Steppe-Eagle-2026!"


def _code_from_sms(national_sim) -> str:
    return re.search(r"\b(\d{6})\b", national_sim.requests("/sms/")[-1]["body"]["text"]).group(1)


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Run what the request queued on commit (the outbox's delivery), as after a real commit."""

    def post(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return post


@pytest.fixture
def start(deliver):
    def post(client, patient, phone=None):
        return deliver(client, "/patients/sign-up/", {"iin": patient.iin, "phone": phone or patient.phone})

    return post


def test_a_patient_signs_up_with_the_sms_code_and_lands_in_the_cabinet(client, org, national_sim, start):
    patient = PatientFactory(organisation=org.organisation, phone="+77011112233", preferred_language="ru")
    assert start(client, patient, phone="8 (701) 111-22-33").status_code == 302
    message = OutboxMessage.objects.get(channel="sms")
    assert message.status == "sent" and message.payload["phone"] == "+77011112233" and message.patient == patient
    code = _code_from_sms(national_sim)
    entry = SignUpCode.objects.get()
    assert code not in entry.code_hash  # only the hash is kept
    response = client.post("/patients/sign-up/code/", {"code": code, "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response.url == "/patients/cabinet/"
    user = User.objects.get(username=patient.iin)
    patient.refresh_from_db()
    assert patient.user == user and user.role_names() == {"patient"} and user.check_password(PASSWORD)
    assert client.get("/patients/cabinet/").context["cabinet_patient"] == patient


@pytest.mark.usefixtures("english")
def test_wrong_codes_are_limited_and_an_expired_code_is_refused(client, org, national_sim, start):
    patient = PatientFactory(organisation=org.organisation)
    start(client, patient)
    code = _code_from_sms(national_sim)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    data = {"password1": PASSWORD, "password2": PASSWORD}
    response = client.post("/patients/sign-up/code/", {**data, "code": wrong})
    assert "wrong" in response.context["form"].errors["code"][0]
    for _ in range(4):
        response = client.post("/patients/sign-up/code/", {**data, "code": wrong})
    assert "Too many" in response.context["form"].errors["code"][0]
    response = client.post("/patients/sign-up/code/", {**data, "code": code})  # even the right one, now
    assert "Too many" in response.context["form"].errors["code"][0]
    assert not User.objects.filter(username=patient.iin).exists()

    start(client, patient)
    SignUpCode.objects.filter(used_at__isnull=True).update(expires_at=timezone.now())
    response = client.post("/patients/sign-up/code/", {**data, "code": _code_from_sms(national_sim)})
    assert "expired" in response.context["form"].errors["code"][0]


@pytest.mark.usefixtures("english")
def test_an_unknown_iin_or_phone_sends_nothing_and_looks_the_same(client, org, national_sim, start):
    patient = PatientFactory(organisation=org.organisation)
    response = start(client, patient, phone="+77000000000")
    assert response.status_code == 302 and response.url == "/patients/sign-up/code/"
    assert not OutboxMessage.objects.exists()
    response = client.post("/patients/sign-up/code/", {"code": "123456", "password1": PASSWORD, "password2": PASSWORD})
    assert "expired" in response.context["form"].errors["code"][0]


def test_a_wrong_iin_is_refused_next_to_the_field(client, org):
    response = client.post("/patients/sign-up/", {"iin": "123456789012", "phone": "+77011112233"})
    assert response.status_code == 200 and "iin" in response.context["form"].errors


def test_a_representative_signs_up_and_is_linked_to_the_represented_child(client, org, national_sim, deliver):
    child = PatientFactory(organisation=org.organisation)
    mother = RepresentativeFactory(patient=child, phone="+77025556677")
    deliver(client, "/patients/sign-up/", {"iin": mother.iin, "phone": mother.phone})
    code = _code_from_sms(national_sim)
    client.post("/patients/sign-up/code/", {"code": code, "password1": PASSWORD, "password2": PASSWORD})
    mother.refresh_from_db()
    assert mother.user is not None and mother.user.iin == mother.iin
    assert client.get("/patients/cabinet/").context["cabinet_patient"] == child


def test_the_registrar_invites_the_patient_by_sms(client_as, org, national_sim, deliver):
    from accounts.roles import Role

    registrar = client_as(Role.REGISTRAR)
    patient = PatientFactory(organisation=org.organisation)
    assert deliver(registrar, f"/patients/{patient.uuid}/invite/", {}).status_code == 302
    assert "/patients/sign-up/" in national_sim.requests("/sms/")[-1]["body"]["text"]


def test_codes_for_one_iin_are_limited_per_hour(client, org, national_sim, start):
    patient = PatientFactory(organisation=org.organisation)
    for _ in range(5):
        start(client, patient)
    assert SignUpCode.objects.filter(iin=patient.iin).count() == 3
    assert len(national_sim.requests("/sms/")) == 3
