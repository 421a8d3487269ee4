import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.tests.factories import OrganisationFactory
from patients.iin import make_iin, parse_iin
from patients.models import LegalRepresentative, Patient


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


def iin_for(birth_date: datetime.date, sex: str, serial: int = 1) -> str:
    """A valid IIN for this birth date and sex, from `serial` on (skipping unissuable serials)."""
    for attempt in range(serial, serial + 10):
        iin = make_iin(birth_date, sex, attempt)
        if iin:
            return iin
    raise AssertionError("unreachable")


class RepresentativeFactory(DjangoModelFactory):
    class Meta:
        model = LegalRepresentative

    patient = factory.SubFactory(PatientFactory)
    kind = "parent"
    iin = factory.Sequence(
        lambda n: iin_for(datetime.date(1975, 1, 1) + datetime.timedelta(days=n % 5000), "F", (n // 5000) * 10 + 1)
    )
    last_name = "Омарова"
    first_name = "Гульнара"
    phone = factory.Sequence(lambda n: f"+7702{n:07d}")
    document_name = "Свидетельство о рождении"
    document_number = factory.Sequence(lambda n: f"BC{n:06d}")
    document_date = datetime.date(2015, 3, 1)
