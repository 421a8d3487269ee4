"""The audit journal's viewers: the auditor's journal with exports, the patient's "who accessed my data"."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mis.pages import requires
from patients.cabinet import cabinet_context, cabinet_patient

from . import selectors, services
from .choices import AuditAction
from .export import EXPORT_CONTENT_TYPES, csv_stream, xlsx_bytes
from .forms import JournalFilterForm
from .masking import masked_fields

PAGE_SIZE = 50


_journal_reader = requires("audit.view_audit_journal")


@_journal_reader
def journal(request):
    form = JournalFilterForm(request.GET or None)
    rows, next_before = [], None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        entries = selectors.journal_entries(selectors.journal_visible_to(request.user), **filters)
        rows, next_before = selectors.keyset_page(entries, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("before", None)
    for entry in rows:
        entry.shown_fields = masked_fields(entry.fields)
    return render(
        request,
        "audit/journal.html",
        {
            "form": form,
            "rows": rows,
            "next_before": next_before,
            "query": query.urlencode(),
        },
        status=200 if not form.errors else 400,
    )


@_journal_reader
def journal_export(request, file_format: str):
    if file_format not in EXPORT_CONTENT_TYPES:
        raise Http404
    form = JournalFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/journal.html", {"form": form, "rows": [], "query": ""}, status=400)
    filters = form.filters()
    entries = selectors.journal_entries(selectors.journal_visible_to(request.user), **filters)
    # The export is itself journaled before a single row leaves.
    services.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        patient=filters.get("patient"),
        fields={"format": file_format, "filters": {k: str(v) for k, v in filters.items() if v}},
    )
    name = f"audit-{timezone.localtime():%Y%m%d-%H%M%S}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(csv_stream(entries), content_type=EXPORT_CONTENT_TYPES["csv"])
    else:
        response = HttpResponse(xlsx_bytes(entries), content_type=EXPORT_CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires("patients.use_personal_cabinet")
def my_access_log(request):
    """Who accessed my data (DSM39-4.18): the person's name and role, the organisation, what and when."""
    patient = cabinet_patient(request)
    if patient is None:
        return redirect("patients:cabinet")
    page = Paginator(selectors.patient_access_log(patient), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/my_access_log.html", {**cabinet_context(request, patient), "page": page})
