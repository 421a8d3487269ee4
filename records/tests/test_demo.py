from mis.demo import DemoContext
from records import demo
from records.models import Document


def test_the_demo_patient_gets_two_real_pdf_documents_once(clinic, private_media):
    context = DemoContext(users={"doctor": clinic.doctor, "patient": clinic.patient.user})
    demo.seed(context)
    demo.seed(context)
    documents = Document.objects.filter(patient=clinic.patient)
    assert documents.count() == 2
    for document in documents:
        assert document.content_type == "application/pdf" and document.shared_with_patient
        assert (private_media / document.file.name).read_bytes().startswith(b"%PDF-")
