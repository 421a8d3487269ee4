"""Patient search (DSM39-4.4) on a registry of many patients: by IIN prefix and by surname fragment, next
to a primary-key lookup of one patient through the same permission filter."""

import io

from django.core.management import call_command

from accounts.access import patients_visible_to
from accounts.models import User
from patients.models import Patient
from patients.selectors import patient_search


def run(bench) -> None:
    count = 100_000 if bench.quick else 1_000_000
    call_command("seed_demo", "--patients", str(count), stdout=io.StringIO())
    registrar = User.objects.get(username="registrar")
    sample = Patient.objects.filter(organisation__code="DEMO").order_by("pk")[count // 2]
    prefix = sample.iin[:6]
    fragment = sample.last_name[1:5]
    name = f"{sample.last_name} {sample.first_name[:3]}"

    def by_pk():
        # A fresh user object each time, like a request: role assignments are loaded again.
        user = User.objects.get(pk=registrar.pk)
        return list(patients_visible_to(user).select_related("site").filter(pk=sample.pk))

    def search(term):
        def call():
            return patient_search(User.objects.get(pk=registrar.pk), term)

        return call

    for label, term in (
        ("iin_prefix", prefix),
        ("surname_fragment", fragment),
        ("surname_name", name),
        ("phone", sample.phone[:9]),
    ):
        bench.compare(
            f"patients.search_{label}",
            subject=search(term),
            baseline=by_pk,
            baseline_name="primary-key lookup",
            n=200,
            target="p95 <= 50 ms on 1M patients",
        )
    client = bench.client(registrar)
    bench.compare(
        "patients.search_page_htmx",
        subject=lambda: client.get("/patients/", {"q": fragment}, headers={"HX-Request": "true"}),
        baseline=lambda: bench.client().get("/__bench__/trivial"),
        baseline_name="trivial view",
        n=100,
    )
