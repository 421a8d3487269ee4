from types import SimpleNamespace

import pytest

from patients.tests.factories import PatientFactory, RepresentativeFactory


@pytest.fixture
def care(org, make_user):
    """A doctor of the therapy department, their patient (Kazakh-speaking, with a cabinet account) and
    the patient's mother, a legal representative with a cabinet account of her own (Russian-speaking)."""
    doctor = make_user("doctor", department=org.departments[0], last_name="Сейткали", email="doctor@example.kz")
    patient = PatientFactory(
        organisation=org.organisation,
        site=org.sites[0],
        user=make_user("patient"),
        preferred_language="kk",
        phone="+77010000011",
        email="patient@example.kz",
    )
    mother = make_user("patient", email="mother@example.kz", preferred_language="ru")
    RepresentativeFactory(patient=patient, user=mother, phone="+77010000022")
    return SimpleNamespace(org=org, doctor=doctor, patient=patient, mother=mother)
