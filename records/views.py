"""Staff's page of a patient's documents with the upload form, the personal cabinet's documents, and the
downloads. Thin: access and journaling are in services and selectors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from mis.pages import form_errors, requires
from patients.cabinet import cabinet_context, cabinet_patient
from patients.views import consent_block, staff_patient

from . import selectors, services
from .forms import DocumentUploadForm
from .models import Document

PAGE_SIZE = 25


def _download(handle, document: Document) -> FileResponse:
    """The file as an attachment of its real type: never rendered in the page's origin, never cached."""
    response = FileResponse(handle, as_attachment=True, filename=document.original_name, content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


# --- Staff ------------------------------------------------------------------------------------------
@requires("records.view_document")
def patient_documents(request, patient_uuid):
    patient = staff_patient(request, patient_uuid, services.DOCUMENT_LEVEL)
    if blocked := consent_block(request, patient):
        return blocked
    may_add = request.user.has_perm("records.add_document") and patient.is_active
    form = DocumentUploadForm()
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied(_("Your roles do not allow adding documents."))
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.document_add(
                    actor=request.user,
                    patient=patient,
                    uploaded_file=form.cleaned_data["file"],
                    **{name: form.cleaned_data[name] for name in ("kind", "title", "issued_on", "shared_with_patient")},
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("The document is added."))
                return redirect("records:patient_documents", patient_uuid=patient.uuid)
    page = Paginator(selectors.documents_for_patient_staff(patient), PAGE_SIZE).get_page(request.GET.get("page"))
    services.documents_viewed(actor=request.user, patient=patient, documents=page.object_list, via="staff")
    return render(
        request,
        "records/patient_documents.html",
        {"patient": patient, "page": page, "form": form if may_add else None},
        status=400 if form.errors else 200,
    )


@requires("records.view_document")
def document_download(request, uuid):
    document = selectors.document_for_staff(request.user, uuid)
    if document is None:
        raise Http404(_("No such document."))
    if blocked := consent_block(request, document.patient):
        return blocked
    return _download(services.document_open(actor=request.user, document=document, via="staff"), document)


# --- The personal cabinet (DSM39-4.12, DSM39-4.18) --------------------------------------------------
@requires("patients.use_personal_cabinet")
def my_documents(request):
    patient = cabinet_patient(request)
    page = Paginator(selectors.documents_for_cabinet(patient), PAGE_SIZE).get_page(request.GET.get("page"))
    if patient is not None:
        services.documents_viewed(actor=request.user, patient=patient, documents=page.object_list, via="cabinet")
    return render(request, "records/cabinet/documents.html", {**cabinet_context(request, patient), "page": page})


@requires("patients.use_personal_cabinet")
def my_document_download(request, uuid):
    # Only a document of the person whose cabinet is open: another patient's document is simply not found.
    patient = cabinet_patient(request)
    if patient is None:
        raise Http404(_("No such document."))
    document = get_object_or_404(selectors.documents_for_cabinet(patient).select_related("patient"), uuid=uuid)
    return _download(services.document_open(actor=request.user, document=document, via="cabinet"), document)
