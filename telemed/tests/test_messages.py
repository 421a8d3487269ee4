"""Messages from the treating clinician to the patient (DSM39-4.16): who may write, who is told and how,
and the reading kept in the journal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from audit.models import AuditEntry
from integrations.models import OutboxMessage
from scheduling.models import Notification
from telemed.models import ClinicianMessage
from telemed.services import message_mark_read, message_send

pytestmark = pytest.mark.req("DSM39-4.16")


def send(care, **overrides):
    values = {"kind": "adherence", "subject": "Your tablets", "body": "Take enalapril 5 mg every morning."}
    return message_send(actor=care.doctor, patient=care.patient, **values | overrides)


def test_a_clinician_who_does_not_see_the_patient_cannot_write_and_nothing_is_saved(care, make_user, org):
    paediatrician = make_user("doctor", department=org.departments[1])
    nurse = make_user("nurse", department=org.departments[0])
    with pytest.raises(Http404):
        message_send(actor=paediatrician, patient=care.patient, kind="lifestyle", subject="Diet", body="Less salt.")
    with pytest.raises(PermissionDenied):  # no permission to write at all
        message_send(actor=nurse, patient=care.patient, kind="lifestyle", subject="Diet", body="Less salt.")
    assert not ClinicianMessage.objects.exists()
    assert not OutboxMessage.objects.exists() and not Notification.objects.exists()
    assert not AuditEntry.objects.filter(object_type="telemed.ClinicianMessage").exists()


def test_an_incomplete_message_is_refused_field_by_field(care):
    with pytest.raises(ValidationError) as refused:
        send(care, kind="gossip", subject=" ", body="")
    assert set(refused.value.error_dict) == {"kind", "subject", "body"}
    assert not ClinicianMessage.objects.exists()


def test_the_patient_and_the_representative_are_told_in_their_languages_in_the_same_transaction(care):
    with transaction.atomic():
        message = send(care)
        sms = {m.payload["phone"]: m.payload for m in OutboxMessage.objects.filter(channel="sms")}
        email = {m.payload["to"]: m.payload for m in OutboxMessage.objects.filter(channel="email")}
        assert set(sms) == {"+77010000011", "+77010000022"}
        assert set(email) == {"patient@example.kz", "mother@example.kz"}  # not the clinician: they wrote it
        assert sms["+77010000011"]["language"] == "kk" and sms["+77010000022"]["language"] == "ru"
        assert email["patient@example.kz"]["language"] == "kk" and email["mother@example.kz"]["language"] == "ru"
        # The text is medical data: it stays in the cabinet, the SMS and e-mail only announce it.
        texts = [payload.get("text", payload.get("body")) for payload in [*sms.values(), *email.values()]]
        assert all("enalapril" not in text for text in texts)
        assert all(m.patient_id == care.patient.pk for m in OutboxMessage.objects.all())
        in_app = set(Notification.objects.values_list("recipient", flat=True))
        assert in_app == {care.patient.user.pk, care.mother.pk}
        entry = AuditEntry.objects.get(object_type="telemed.ClinicianMessage", object_id=str(message.pk))
        assert entry.action == "create" and entry.fields["kind"] == [None, "adherence"]
        transaction.set_rollback(True)
    # Rolled back together: no message, no announcement of it.
    assert not ClinicianMessage.objects.exists() and not OutboxMessage.objects.exists()
    assert not Notification.objects.exists()


def test_a_representative_without_a_cabinet_account_or_whose_right_expired_is_not_told(care):
    import datetime

    from patients.tests.factories import RepresentativeFactory

    RepresentativeFactory(patient=care.patient, user=None, phone="+77010000033")
    care.patient.legal_representatives.filter(user=care.mother).update(valid_until=datetime.date(2000, 1, 1))
    send(care)
    assert set(OutboxMessage.objects.filter(channel="sms").values_list("payload__phone", flat=True)) == {"+77010000011"}


def test_reading_is_marked_once_by_the_patients_side_and_journaled(care, make_user, django_assert_num_queries):
    message = send(care)
    with pytest.raises(PermissionDenied):
        message_mark_read(actor=care.doctor, message=message)
    read = message_mark_read(actor=care.mother, message=message)
    assert read.read_by == care.mother and read.read_at is not None
    again = message_mark_read(actor=care.patient.user, message=message)
    assert again.read_by == care.mother and again.read_at == read.read_at  # the first reading stays
    with django_assert_num_queries(0):  # one known to be read: nothing to lock or look up
        assert message_mark_read(actor=care.patient.user, message=again) is again
        assert again.author == care.doctor  # loaded with the message, for the page
    [entry] = AuditEntry.objects.filter(object_type="telemed.ClinicianMessage", action="update")
    assert entry.actor == care.mother and entry.patient_id == care.patient.pk and "read_at" in entry.fields
