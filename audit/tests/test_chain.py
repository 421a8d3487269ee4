"""The journal's tamper evidence: append-only in the database, a hash chain that audit_verify walks."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accounts.models import SecurityEvent
from audit.models import AppendOnlyError, AuditEntry
from audit.services import record, record_many
from audit.tasks import verify_audit_chain
from audit.verification import chain_verify
from patients.tests.factories import PatientFactory

pytestmark = [pytest.mark.req("DSM80-22.5"), pytest.mark.req("DSM39-4.17")]


@pytest.fixture
def entries(make_user):
    doctor = make_user("doctor")
    patient = PatientFactory()
    return [record(actor=doctor, action="view", patient=patient, obj=patient) for _ in range(5)]


def raw_sql(sql: str, params=()) -> None:
    """As a database superuser could: with triggers (the append-only one included) switched off."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def test_an_untouched_journal_verifies(entries):
    report = chain_verify()
    assert report.ok and report.checked == 5
    assert entries[0].prev_hash == "0" * 64
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]


def test_changing_one_entry_through_sql_is_found_at_its_id(entries):
    raw_sql("UPDATE audit_auditentry SET actor_name = 'Someone else' WHERE id = %s", [entries[2].id])
    report = chain_verify()
    assert (report.ok, report.broken_id, report.checked) == (False, entries[2].id, 2)
    assert report.kind == "hash" and str(entries[2].id) in report.problem


def test_changing_the_fields_of_one_entry_is_found(entries):
    raw_sql("""UPDATE audit_auditentry SET fields = '{"x": 1}' WHERE id = %s""", [entries[4].id])
    assert chain_verify().broken_id == entries[4].id


def test_deleting_one_entry_is_found_at_the_entry_after_it(entries):
    raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].id])
    report = chain_verify()
    assert report.broken_id == entries[2].id and report.kind == "link"


def test_inserting_one_out_of_order_is_found_at_its_id(make_user):
    doctor, patient = make_user("doctor"), PatientFactory()
    before = [record(actor=doctor, action="view", patient=patient) for _ in range(2)]
    with connection.cursor() as cursor:  # leave a gap in the ids, as a rolled-back transaction does
        cursor.execute("SELECT setval(pg_get_serial_sequence('audit_auditentry', 'id'), %s)", [before[-1].id + 10])
    after = [record(actor=doctor, action="view", patient=patient) for _ in range(2)]
    forged_id = before[-1].id + 5
    # A forger slips an entry into the gap, linked to the entry before it, hashed without the key.
    raw_sql(
        "INSERT INTO audit_auditentry (id, created_at, actor_name, actor_role, action, object_type, object_id,"
        " fields, reason, ip, user_agent, request_id, counterpart, outcome, prev_hash, hash)"
        " VALUES (%s, now(), 'Forger', '', 'view', '', '', '{}', '', '', '', '', '', '', %s,"
        " encode(sha256('forged'::bytea), 'hex'))",
        [forged_id, before[-1].hash],
    )
    report = chain_verify()
    assert report.broken_id == forged_id and report.broken_id < after[0].id


def test_appending_a_forged_entry_at_the_end_is_found(entries):
    last = entries[-1]
    raw_sql(
        "INSERT INTO audit_auditentry (id, created_at, actor_name, actor_role, action, object_type, object_id,"
        " fields, reason, ip, user_agent, request_id, counterpart, outcome, prev_hash, hash)"
        " VALUES (%s, now(), 'Forger', '', 'view', '', '', '{}', '', '', '', '', '', '', %s, %s)",
        [last.id + 100, last.hash, "f" * 64],
    )
    assert chain_verify().broken_id == last.id + 100


def test_update_and_delete_through_the_orm_are_refused(entries):
    entry = AuditEntry.objects.get(pk=entries[0].pk)
    entry.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert chain_verify().ok


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET reason = 'rewritten'",
        "DELETE FROM audit_auditentry",
    ],
)
def test_update_and_delete_through_sql_are_refused_by_the_database(entries, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.count() == 5 and chain_verify().ok


def test_audit_verify_reports_the_broken_id_and_raises_a_flagged_security_event(entries, capsys):
    call_command("audit_verify")
    assert "audit chain valid: 5 entries" in capsys.readouterr().out
    raw_sql("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [entries[3].id])
    with pytest.raises(CommandError, match=f"broken at entry {entries[3].id}"):
        call_command("audit_verify")
    event = SecurityEvent.objects.get(event="audit_chain_broken")
    assert event.flagged and event.details["entry_id"] == entries[3].id


@pytest.mark.req("DSM80-27.7")
def test_the_scheduled_check_flags_a_broken_chain(entries):
    assert verify_audit_chain() == {"ok": True, "checked": 5, "broken_id": None}
    raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[0].id])
    assert verify_audit_chain()["broken_id"] == entries[1].id
    assert SecurityEvent.objects.filter(event="audit_chain_broken", flagged=True).count() == 1


def test_a_bulk_operation_is_journaled_in_one_chained_batch(make_user):
    registrar = make_user("registrar")
    patients = PatientFactory.create_batch(30)
    written = record_many(
        actor=registrar,
        action="update",
        entries=[{"patient": p, "obj": p, "fields": {"site": [None, "01"]}} for p in patients],
    )
    assert len(written) == 30 and AuditEntry.objects.filter(action="update").count() == 30
    assert chain_verify().ok


def in_eight_threads(write) -> list[Exception]:
    """Run `write` in 8 threads at once, each on its own connection; the errors they raised."""
    errors = []

    def run():
        try:
            write()
        except Exception as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_eight_threads_writing_at_once_leave_a_valid_linear_chain(org, make_user):
    doctor = make_user("doctor")
    patient = PatientFactory(organisation=org.organisation)
    per_thread = 150

    def write():
        for _ in range(per_thread):
            with transaction.atomic():
                record(actor=doctor, action="view", patient=patient)

    assert in_eight_threads(write) == []
    report = chain_verify()
    assert report.ok and report.checked == 8 * per_thread


@pytest.mark.django_db(transaction=True)
def test_reads_journaled_outside_any_transaction_keep_the_chain_linear(org, make_user):
    """A read's entry is a transaction of its own; single entries and batches from 8 threads at once
    leave one valid chain."""
    doctor = make_user("doctor")
    patients = PatientFactory.create_batch(3, organisation=org.organisation)

    def write():
        for n in range(60):
            if n % 20 == 0:
                record_many(actor=doctor, action="view", entries=[{"patient": p, "obj": p} for p in patients])
            else:
                entry = record(actor=doctor, action="view", patient=patients[0], fields={"note": "Қарау"})
                assert entry.pk and len(entry.hash) == 64

    assert in_eight_threads(write) == []
    report = chain_verify()
    assert report.ok and report.checked == 8 * (57 + 3 * 3)
    assert connection.get_autocommit() and not connection.in_atomic_block


@pytest.mark.django_db(transaction=True)
def test_a_read_whose_entry_fails_is_refused_and_leaves_no_transaction_open(make_user):
    doctor, patient = make_user("doctor"), PatientFactory()
    with pytest.raises(DatabaseError):
        record(actor=doctor, action="view", patient=patient, reason="x", fields={"bad": "\x00"})  # NUL: refused
    assert not AuditEntry.objects.exists()  # and the connection works on, outside any transaction
    record(actor=doctor, action="view", patient=patient)
    assert chain_verify().ok and AuditEntry.objects.count() == 1


def test_a_failed_journal_write_fails_the_whole_operation(make_user, monkeypatch):
    from accounts.models import EmergencyAccess
    from accounts.services import emergency_access_grant

    doctor, patient = make_user("doctor"), PatientFactory()

    def refuse(entries):
        raise DatabaseError("the journal's disk is full")

    monkeypatch.setattr("audit.services._append", refuse)
    with pytest.raises(DatabaseError, match="disk is full"):
        emergency_access_grant(actor=doctor, patient=patient, reason="Unconscious patient brought in by ambulance")
    assert not EmergencyAccess.objects.exists() and not AuditEntry.objects.exists()


def test_an_entry_keeps_who_from_where_as_they_were(client_as):
    client = client_as("auditor")
    client.get("/audit/journal/export.csv", HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="10.1.2.3")
    entry = AuditEntry.objects.get(action="export")
    assert (entry.ip, entry.user_agent, entry.actor_role) == ("10.1.2.3", "Firefox/140", "auditor")
    assert entry.organisation_id == client.user.organisation_id and entry.request_id


@pytest.mark.req("DSM80-27.7")
def test_security_events_are_mirrored_into_the_chain(make_user):
    from accounts.journal import security_event

    admin, user = make_user("administrator"), make_user("nurse")
    event = security_event(event="banned", user=user, actor=admin, details={"reason": "left the clinic"})
    entry = AuditEntry.objects.get(action="security_event")
    assert (entry.actor, entry.object_id, entry.fields["event"]) == (admin, str(event.pk), "banned")
    assert entry.fields["details"] == {"reason": "left the clinic"} and chain_verify().ok
