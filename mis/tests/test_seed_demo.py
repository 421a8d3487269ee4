import io

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.roles import Role
from patients.iin import parse_iin
from patients.models import Patient


@pytest.mark.django_db
def test_seed_demo_creates_a_user_per_role_and_valid_patients_and_is_idempotent():
    call_command("seed_demo", "--patients", "120", stdout=io.StringIO())
    call_command("seed_demo", "--patients", "120", stdout=io.StringIO())

    assert Patient.objects.count() == 120
    iins = list(Patient.objects.values_list("iin", "birth_date", "sex"))
    assert len({iin for iin, _, _ in iins}) == 120
    for iin, birth_date, sex in iins:
        info = parse_iin(iin)
        assert (info.birth_date, info.sex) == (birth_date, sex)
    for role in Role:
        user = User.objects.get(username="admin" if role == Role.ADMINISTRATOR else role.value)
        assert role.value in user.role_names()
    assert Patient.objects.filter(user__username="patient").count() == 1
    # A week of schedules, generated once however often the command runs.
    from django.utils import timezone

    from scheduling.models import Slot

    slots = Slot.objects.filter(clinician__username="doctor")
    days = {timezone.localtime(slot.starts_at).date() for slot in slots}
    assert slots.count() == len(set(slots.values_list("starts_at", flat=True))) and len(days) >= 5


@pytest.mark.django_db
def test_seed_demo_adds_only_the_missing_patients():
    call_command("seed_demo", "--patients", "10", stdout=io.StringIO())
    first = set(Patient.objects.values_list("iin", flat=True))
    call_command("seed_demo", "--patients", "25", stdout=io.StringIO())
    assert Patient.objects.count() == 25
    assert first < set(Patient.objects.values_list("iin", flat=True))
