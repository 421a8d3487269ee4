"""Request throughput and p95 of the signed-in home page, next to a trivial view."""

import io

from django.core.management import call_command

from accounts.models import User


def run(bench) -> None:
    call_command("seed_demo", "--patients", "50", stdout=io.StringIO())
    doctor = User.objects.get(username="doctor")
    signed_in = bench.client(doctor)
    anonymous = bench.client()
    bench.compare(
        "platform.home_signed_in",
        subject=lambda: signed_in.get("/"),
        baseline=lambda: anonymous.get("/__bench__/trivial"),
        baseline_name="trivial view",
        n=300,
    )
    clients = [bench.client(doctor) for _ in range(8)]
    trivial = [bench.client() for _ in range(8)]
    bench.throughput(
        "platform.home_signed_in_throughput",
        subject=lambda i: clients[i].get("/"),
        baseline=lambda i: trivial[i].get("/__bench__/trivial"),
        baseline_name="trivial view",
        clients=8,
        seconds=4,
    )
