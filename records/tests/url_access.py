from accounts.roles import Role
from tests.access import Access

CLINICIANS = {Role.DOCTOR.value, Role.NURSE.value}
PATIENTS = {Role.PATIENT.value}


def _patient(world) -> dict:
    return {"patient_uuid": world.patient.uuid}


def _document(world) -> dict:
    """A shared document of the world's patient, added by the world's doctor."""
    from records.models import Document
    from records.tests.factories import add_document

    document = Document.objects.filter(patient=world.patient).first() or add_document(
        world.users[Role.DOCTOR.value], world.patient
    )
    return {"uuid": document.uuid}


URL_ACCESS = {
    "records:patient_documents": Access(roles=CLINICIANS, kwargs=_patient),
    "records:document_download": Access(roles=CLINICIANS, kwargs=_document),
    "records:my_documents": Access(roles=PATIENTS),
    "records:my_document_download": Access(roles=PATIENTS, kwargs=_document),
}
