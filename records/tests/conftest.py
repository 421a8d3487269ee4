import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Each test stores documents in its own folder, so that "no file left on disk" can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media" / "private" / "records"


@pytest.fixture
def clinic(org, make_user):
    """The clinic's doctor, nurse and registrar of the therapy department, and a patient of its first site
    with a personal cabinet."""
    from accounts.roles import Role
    from patients.tests.factories import PatientFactory

    therapy = org.departments[0]
    patient_user = make_user(Role.PATIENT, first_name="Арман", last_name="Омаров")

    class Clinic:
        doctor = make_user(Role.DOCTOR, department=therapy, first_name="Айгерим", last_name="Ахметова")
        nurse = make_user(Role.NURSE, department=therapy)
        registrar = make_user(Role.REGISTRAR)
        patient = PatientFactory(organisation=org.organisation, site=org.sites[0], user=patient_user)

    return Clinic


@pytest.fixture
def other_clinic_doctor(make_user):
    """A doctor of another organisation, who cannot see the clinic's patients."""
    from accounts.roles import Role
    from accounts.services import role_assign
    from accounts.tests.factories import OrganisationFactory, UserFactory

    other = OrganisationFactory(code="OTHERORG")
    doctor = UserFactory(organisation=other)
    role_assign(user=doctor, role=Role.DOCTOR, organisation=other)
    return doctor
