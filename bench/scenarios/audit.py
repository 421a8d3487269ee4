"""The audit journal: concurrent writers keep the chain valid; read-journaling's cost on a chart view."""

import contextlib
import io
import threading
import time

from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse

from accounts.models import SecurityEvent, User
from audit.models import AuditEntry
from audit.services import record
from audit.verification import chain_verify
from patients.models import Patient

WRITERS = 8
ENTRIES = 10_000


def _parallel_seconds(write, writers: int, per_writer: int) -> float:
    """Wall time for `writers` threads, each on its own connection, calling write() per_writer times."""
    from django.db import connection

    def work() -> None:
        try:
            for _ in range(per_writer):
                write()
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _concurrent_writers(bench, doctor, patient) -> None:
    entries = ENTRIES // 5 if bench.quick else ENTRIES
    per_writer = entries // WRITERS

    def journal() -> None:
        with transaction.atomic():
            record(actor=doctor, action="view", patient=patient)

    def plain_insert() -> None:
        # The same number of rows into an unchained table: what the chain lock and hashing cost.
        with transaction.atomic():
            SecurityEvent.objects.create(event="sign_in", user=doctor)

    before = AuditEntry.objects.count()
    chained = _parallel_seconds(journal, WRITERS, per_writer)
    plain = _parallel_seconds(plain_insert, WRITERS, per_writer)
    written = AuditEntry.objects.count() - before
    report = chain_verify()
    rate, baseline_rate = written / chained, written / plain
    bench.results.append(
        {
            "scenario": "audit.concurrent_writers",
            "per_second": rate,
            "baseline_per_second": baseline_rate,
            "chain_ok": report.ok,
        }
    )
    bench.out(
        f"{f'audit.append_{written}_by_{WRITERS}_writers':<44} {rate:8.1f}/s | {'unchained insert':<24} "
        f"{baseline_rate:8.1f}/s | ratio {rate / baseline_rate:5.2f} | chain "
        + ("valid" if report.ok else f"BROKEN at {report.broken_id}")
        + f" over {report.checked} entries"
    )


def _chart_read_overhead(bench, doctor) -> None:
    """The same chart page with its read journaled and with the journal write skipped, alternated."""
    import audit.services
    from accounts.access import patients_visible_to

    patient = patients_visible_to(doctor).order_by("pk").first()
    client = bench.client(doctor)
    url = reverse("patients:detail", args=[patient.uuid])
    assert client.get(url).status_code == 200, "the demo doctor cannot open the chart"
    journaled = audit.services._append

    def without_journal() -> None:
        audit.services._append = lambda entries: entries
        try:
            client.get(url)
        finally:
            audit.services._append = journaled

    bench.compare(
        "audit.chart_view_with_read_journal",
        subject=lambda: client.get(url),
        baseline=without_journal,
        baseline_name="same view, no journal",
        n=300,
        target="ratio <= 1.10",
    )


def _settle() -> None:
    """Start from a settled database: an earlier run's 10,000 appends would otherwise have their vacuum
    and checkpoint land on this run's commits, which the journaled arm alone pays for."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {AuditEntry._meta.db_table}")
        with contextlib.suppress(DatabaseError):  # CHECKPOINT needs a superuser or pg_checkpoint
            cursor.execute("CHECKPOINT")


def run(bench) -> None:
    call_command("seed_demo", "--patients", "50", stdout=io.StringIO())
    doctor = User.objects.get(username="doctor")
    patient = Patient.objects.order_by("pk").first()
    _settle()
    _chart_read_overhead(bench, doctor)
    _concurrent_writers(bench, doctor, patient)
