"""The front desk under load: a department's day grid with a million appointments in the database, and
50 clients booking at once, each next to a trivial view measured in the same run."""

import datetime
import io

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Department, User
from patients.models import Patient
from scheduling.models import Appointment, Schedule, Service, Slot

DEPARTMENTS, CLINICIANS_PER_DEPARTMENT = 10, 30
SLOTS_PER_DAY = 36  # 09:00–18:00 every 15 minutes
PATIENTS = 50_000
CLIENTS = 50


def _load(target: int) -> None:
    """Clinicians, schedules, slots and appointments (every slot booked) in bulk, inside PostgreSQL."""
    if Appointment.objects.count() >= target:
        return
    organisation = User.objects.get(username="registrar").organisation
    registrar = User.objects.get(username="registrar")
    service = Service.objects.get(code="A01.002")
    today = timezone.localdate()
    clinicians = DEPARTMENTS * CLINICIANS_PER_DEPARTMENT
    days = -(-target // (clinicians * SLOTS_PER_DAY))
    with transaction.atomic():
        schedules = []
        for d in range(DEPARTMENTS):
            department, _ = Department.objects.get_or_create(
                organisation=organisation,
                code=f"B{d:02d}",
                defaults={"name_ru": f"Отделение {d}", "name_kk": f"{d} бөлімше", "name_en": f"Department {d}"},
            )
            users = User.objects.bulk_create(
                User(
                    username=f"bench-doctor-{d}-{c}",
                    first_name=f"Врач {c}",
                    last_name=f"Отделение {d}",
                    organisation=organisation,
                )
                for c in range(CLINICIANS_PER_DEPARTMENT)
            )
            schedules += Schedule.objects.bulk_create(
                Schedule(
                    clinician=user,
                    department=department,
                    room=str(100 + i),
                    valid_from=today - datetime.timedelta(days=days),
                )
                for i, user in enumerate(users)
            )
        Schedule.services.through.objects.bulk_create(
            Schedule.services.through(schedule_id=s.pk, service_id=service.pk) for s in schedules
        )
        ids = [s.pk for s in schedules]
        with connection.cursor() as cursor:
            # Past days fully booked; appointment k at time t goes to patient (t * clinicians + c) mod PATIENTS,
            # so no patient is anywhere twice at once.
            cursor.execute(
                """
                INSERT INTO scheduling_slot
                    (uuid, created_at, updated_at, schedule_id, clinician_id, starts_at, ends_at, is_blocked)
                SELECT gen_random_uuid(), now(), now(), s.id, s.clinician_id, t.at, t.at + interval '15 minutes', false
                FROM scheduling_schedule s
                CROSS JOIN LATERAL (
                    SELECT (day + time '09:00' + n * interval '15 minutes') AT TIME ZONE %s AS at
                    FROM generate_series(%s::date - %s, %s::date - 1, interval '1 day') AS day,
                         generate_series(0, %s - 1) AS n
                ) t
                WHERE s.id = ANY(%s)
            """,
                [timezone.get_default_timezone_name(), today, days, today, SLOTS_PER_DAY, ids],
            )
            cursor.execute(
                """
                WITH numbered AS (
                    SELECT sl.id, sl.clinician_id, sl.starts_at, sl.ends_at,
                           row_number() OVER (ORDER BY sl.starts_at, sl.clinician_id) AS k
                    FROM scheduling_slot sl WHERE sl.schedule_id = ANY(%s)
                ), patients AS (
                    SELECT id, iin, last_name || ' ' || first_name AS name, row_number() OVER (ORDER BY id) - 1 AS n
                    FROM patients_patient WHERE organisation_id = %s
                ), counted AS (SELECT count(*) AS total FROM patients)
                INSERT INTO scheduling_appointment (uuid, created_at, updated_at, patient_id, clinician_id, service_id,
                    slot_id, starts_at, ends_at, status, form, patient_iin, patient_name, service_code, service_name,
                    booked_by_id, cancel_reason)
                SELECT gen_random_uuid(), now(), now(), p.id, x.clinician_id, %s, x.id, x.starts_at, x.ends_at,
                       'completed', 'in_person', p.iin, p.name, %s, %s, %s, ''
                FROM numbered x, counted JOIN patients p ON true
                WHERE p.n = x.k %% counted.total
            """,
                [ids, organisation.pk, service.pk, service.code, service.name_ru, registrar.pk],
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE scheduling_slot; ANALYZE scheduling_appointment")


def _free_slots_tomorrow(department: Department) -> list[Slot]:
    """A fresh day of free slots for every clinician of the department, for the booking race; what an
    earlier run booked there is removed first."""
    zone = timezone.get_default_timezone()
    day = timezone.localdate() + datetime.timedelta(days=1)
    first = datetime.datetime.combine(day, datetime.time(9), zone)
    Appointment.objects.filter(slot__schedule__department=department, starts_at__gte=first).delete()
    Slot.objects.filter(schedule__department=department, starts_at__gte=first).delete()
    Slot.objects.bulk_create(
        Slot(
            schedule=schedule,
            clinician_id=schedule.clinician_id,
            starts_at=first + datetime.timedelta(minutes=15 * n),
            ends_at=first + datetime.timedelta(minutes=15 * (n + 1)),
        )
        for schedule in Schedule.objects.filter(department=department)
        for n in range(SLOTS_PER_DAY)
    )
    return list(Slot.objects.filter(schedule__department=department, starts_at__gte=first).select_related("schedule"))


def run(bench) -> None:
    target = 100_000 if bench.quick else 1_000_000
    call_command("seed_demo", "--patients", str(PATIENTS), stdout=io.StringIO())
    _load(target)
    registrar = User.objects.get(username="registrar")
    department = Department.objects.get(code="B00")
    grid_day = timezone.localdate() - datetime.timedelta(days=1)
    client, trivial = bench.client(registrar), bench.client()
    url = f"/scheduling/?date={grid_day}&department={department.uuid}"
    response = client.get(url)
    assert response.status_code == 200 and response.content.count(b'<th scope="row"') == CLINICIANS_PER_DEPARTMENT
    bench.out(f"# {Appointment.objects.count()} appointments in the database")
    bench.compare(
        "scheduling.day_grid_30_clinicians",
        subject=lambda: client.get(url),
        baseline=lambda: trivial.get("/__bench__/trivial"),
        baseline_name="trivial view",
        n=200,
        target="p95 <= 150 ms",
    )

    # Each client books its own slots for its own patients, whichever server process it runs in.
    free = _free_slots_tomorrow(department)
    patients = list(Patient.objects.filter(organisation=registrar.organisation).order_by("-pk")[: len(free)])
    mine = [iter(zip(free[i::CLIENTS], patients[i::CLIENTS], strict=True)) for i in range(CLIENTS)]
    service = Service.objects.get(code="A01.002")
    clients = [bench.client(registrar) for _ in range(CLIENTS)]
    trivial_clients = [bench.client() for _ in range(CLIENTS)]

    def book(index: int) -> None:
        slot, patient = next(mine[index])
        response = clients[index].post(
            f"/scheduling/slots/{slot.uuid}/book/", {"patient_iin": patient.iin, "service": service.code}
        )
        if response.status_code != 302:
            raise RuntimeError(f"booking answered {response.status_code}")

    bench.throughput(
        "scheduling.booking_50_clients",
        subject=book,
        baseline=lambda i: trivial_clients[i].get("/__bench__/trivial"),
        baseline_name="trivial view",
        clients=CLIENTS,
        seconds=5,
        target=">= 100 bookings/s",
    )
