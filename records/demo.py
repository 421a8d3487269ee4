"""Demo documents: two small PDFs for the demo patient, issued by the demo doctor (idempotent)."""

import datetime
from html import escape

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from patients.models import Patient

from .choices import DocumentKind
from .models import Document
from .services import document_add

DOCUMENTS = (
    (
        DocumentKind.CONSULTATION,
        "Заключение терапевта",
        14,
        "Жалоб нет. Состояние удовлетворительное. АД 120/80 мм рт. ст. Рекомендовано наблюдение.",
    ),
    (
        DocumentKind.LABORATORY,
        "Общий анализ крови",
        7,
        "Гемоглобин 142 г/л; лейкоциты 6,1×10⁹/л; тромбоциты 250×10⁹/л; СОЭ 8 мм/ч. В пределах нормы.",
    ),
)


def _pdf(title: str, body: str, patient: Patient, doctor) -> bytes:
    from weasyprint import HTML

    html = (
        '<html lang="ru"><body style="font-family: sans-serif; font-size: 12pt">'
        f"<h1 style='font-size: 16pt'>{escape(title)}</h1>"
        f"<p>Пациент: {escape(patient.full_name)}</p><p>{escape(body)}</p>"
        f"<p>Врач: {escape(doctor.get_full_name())}</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def seed(context) -> None:
    doctor, patient_user = context.users.get("doctor"), context.users.get("patient")
    patient = Patient.objects.filter(user=patient_user).first() if patient_user else None
    if doctor is None or patient is None or Document.objects.filter(patient=patient).exists():
        return
    today = timezone.localdate()
    try:
        for kind, title, days_ago, body in DOCUMENTS:
            document_add(
                actor=doctor,
                patient=patient,
                kind=kind,
                title=title,
                issued_on=today - datetime.timedelta(days=days_ago),
                uploaded_file=SimpleUploadedFile(f"{kind}.pdf", _pdf(title, body, patient, doctor)),
            )
    except (Http404, PermissionDenied):
        context.log.append("records: the demo doctor may not see the demo patient; no demo documents")
        return
    context.log.append(f"records: {len(DOCUMENTS)} demo documents for {patient.full_name}")
