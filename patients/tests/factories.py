import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.tests.factories import OrganisationFactory
from patients.iin import make_iin, parse_iin
from patients.models import Patient


def _iin(n: int) -> str:
    birth_date = datetime.date(1980, 1, 1) + datetime.timedelta(days=n % 9000)
    for attempt in range(10):
        iin = make_iin(birth_date, "M", (n // 9000) * 10 + attempt)
        if iin:
            return iin
    raise AssertionError("unreachable")


class PatientFactory(DjangoModelFactory):
    class Meta:
        model = Patient

    organisation = factory.SubFactory(OrganisationFactory)
    iin = factory.Sequence(_iin)
    last_name = "Омаров"
    first_name = "Арман"
    middle_name = "Серикович"
    birth_date = factory.LazyAttribute(lambda patient: parse_iin(patient.iin).birth_date)
    sex = "M"
    phone = factory.Sequence(lambda n: f"+7701{n:07d}")
