"""Registration pages for registrars and the patient detail page for staff (DSM39-4.4, DSM80-11)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import patients_visible_to, require_patient_access
from accounts.choices import AccessLevel
from mis.pages import form_errors, requires

from . import selectors, services
from .chart import chart_links
from .choices import ConsentStatus, Sex
from .consents import consent_required
from .forms import (
    CardLanguageForm,
    MergeForm,
    PatientForm,
    ReattachForm,
    RepresentativeForm,
    SearchForm,
    merge_candidates,
)
from .models import Patient
from .registry import RegistryError, RegistryPerson, registry_differences, registry_lookup

REGISTRY_SESSION_KEY = "patients_registry_person"


def staff_patient(request, uuid, level: str = AccessLevel.DEMOGRAPHICS) -> Patient:
    """The patient, when the user may see them (404 otherwise), with the access check every read makes:
    403 when the user's access to them is below `level`. Every app's per-patient staff page starts here."""
    patient = selectors.patient_for_staff(request.user, uuid)
    if patient is None:
        raise Http404(_("No such patient."))
    require_patient_access(request.user, patient, level)
    return patient


def consent_block(request, patient):
    """The consent page when the organisation has no granted consent to open this record, else None."""
    consent = consent_required(request.user, patient)
    return None if consent is None else _consent_page(request, patient, consent)


# --- Search -----------------------------------------------------------------------------------------
@requires("patients.view_patient")
def search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = selectors.patient_search(request.user, query, limit=selectors.SEARCH_LIMIT + 1)
    context = {
        "form": form,
        "query": query,
        "patients": found[: selectors.SEARCH_LIMIT],
        "more": len(found) > selectors.SEARCH_LIMIT,
        "limit": selectors.SEARCH_LIMIT,
        "searched": len(query.strip()) >= 2,
    }
    if request.htmx:
        return render(request, "patients/partials/_search_results.html", context)
    return render(request, "patients/search.html", context)


# --- Registration -----------------------------------------------------------------------------------
def _typed(request, form) -> dict:
    """The values typed on the form, to show again on an unbound form (no errors yet)."""
    typed = {}
    for name in form.fields:
        if name == "without_iin":
            typed[name] = request.POST.get(name) in ("on", "true", "1")
        else:
            typed[name] = request.POST.get(name, "")
    return typed


def _difference_rows(differences) -> list[dict]:
    def shown(name, value):
        if name == "sex":
            return Sex(value).label if value in Sex.values else value
        if hasattr(value, "strftime"):
            return value.strftime("%d.%m.%Y")
        return value

    return [
        {
            "field": d.field,
            "label": Patient._meta.get_field(d.field).verbose_name,
            "typed": shown(d.field, d.typed),
            "registry": shown(d.field, d.registry),
        }
        for d in differences
    ]


def _patient_form_page(request, *, patient: Patient | None):
    organisation = patient.organisation if patient else request.user.organisation
    if organisation is None:
        raise PermissionDenied(_("Only staff of an organisation register patients."))
    initial = {"site": patient.site_id} if patient else {}
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    registry_error, differences = None, []
    form = PatientForm(instance=patient, organisation=organisation, initial=initial)

    if action in ("lookup", "accept"):
        typed = _typed(request, form)
        if action == "lookup":
            request.session.pop(REGISTRY_SESSION_KEY, None)
            iin = typed["iin"].strip()
            try:
                from .forms import iin_info

                iin_info(iin)
                person = registry_lookup(iin=iin, patient=patient)
            except ValidationError as error:
                registry_error = error.messages[0]
            except RegistryError as error:
                registry_error = error.message
            else:
                request.session[REGISTRY_SESSION_KEY] = person.as_session()
        stored = request.session.get(REGISTRY_SESSION_KEY)
        person = RegistryPerson.from_session(stored) if stored and stored["iin"] == typed["iin"].strip() else None
        if action == "accept" and person is not None:
            for name in request.POST.getlist("accept"):
                value = getattr(person, name, None)
                if name in typed and value is not None:
                    typed[name] = value.isoformat() if hasattr(value, "isoformat") else value
                    if f"{name}_latin" in typed:
                        typed[f"{name}_latin"] = ""
            messages.info(request, _("The registry's data is on the form; check it and save."))
        if person is not None:
            differences = _difference_rows(
                registry_differences({**typed, "birth_date": _date_or_none(typed.get("birth_date"))}, person)
            )
            if not differences and not registry_error:
                messages.success(request, _("The form matches the person registry."))
        form = PatientForm(instance=patient, organisation=organisation, initial=typed)
    elif action == "save":
        form = PatientForm(request.POST, instance=patient, organisation=organisation)
        if form.is_valid():
            data = dict(form.cleaned_data)
            stored = request.session.get(REGISTRY_SESSION_KEY)
            checked = bool(stored and stored["iin"] == data.get("iin"))
            try:
                if patient is None:
                    patient = services.patient_register(
                        actor=request.user, organisation=organisation, registry_checked=checked, **data
                    )
                    messages.success(request, _("The patient is registered."))
                else:
                    services.patient_update(
                        actor=request.user, patient=Patient.objects.get(pk=patient.pk), registry_checked=checked, **data
                    )
                    messages.success(request, _("The changes are saved."))
            except ValidationError as error:
                form_errors(form, error)
            else:
                request.session.pop(REGISTRY_SESSION_KEY, None)
                return redirect("patients:detail", uuid=patient.uuid)
    return render(
        request,
        "patients/patient_form.html",
        {
            "form": form,
            "patient": patient,
            "registry_error": registry_error,
            "differences": differences,
        },
    )


def _date_or_none(value):
    import datetime

    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@requires("patients.add_patient")
def patient_create(request):
    return _patient_form_page(request, patient=None)


@requires("patients.change_patient")
def patient_edit(request, uuid):
    patient = staff_patient(request, uuid)
    if blocked := consent_block(request, patient):
        return blocked
    if not patient.is_active:
        messages.error(request, _("This record was merged into another one and cannot be changed."))
        return redirect("patients:detail", uuid=patient.uuid)
    return _patient_form_page(request, patient=patient)


# --- Detail -----------------------------------------------------------------------------------------
def _consent_page(request, patient, consent):
    return render(
        request,
        "patients/consent_required.html",
        {"patient_uuid": patient.uuid, "consent": consent},
        status=403 if consent.status == ConsentStatus.REFUSED else 200,
    )


@requires("patients.view_patient")
def patient_detail(request, uuid):
    patient = staff_patient(request, uuid)
    if blocked := consent_block(request, patient):
        return blocked
    services.patient_viewed(actor=request.user, patient=patient)
    return render(
        request,
        "patients/patient_detail.html",
        {
            "patient": patient,
            "attachments": patient.attachments.select_related("site", "site__department").all()[:20],
            "representatives": patient.legal_representatives.all(),
            "merged_records": patient.merged_records.all(),
            "card_languages": CardLanguageForm.base_fields["language"].choices,
            "chart_links": chart_links(request.user),
        },
    )


@require_POST
@requires("patients.view_patient")
def consent_check(request, uuid):
    patient = staff_patient(request, uuid)
    consent = consent_required(request.user, patient, recheck=True)
    if consent is None:
        return redirect("patients:detail", uuid=patient.uuid)
    return _consent_page(request, patient, consent)


@requires("patients.change_patient")
def representative_add(request, uuid):
    patient = staff_patient(request, uuid)
    if blocked := consent_block(request, patient):
        return blocked
    form = RepresentativeForm(request.POST if request.method == "POST" else None, patient=patient)
    if request.method == "POST" and form.is_valid():
        try:
            services.representative_add(actor=request.user, patient=patient, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The representative is added."))
            return redirect("patients:detail", uuid=patient.uuid)
    return render(request, "patients/representative_form.html", {"form": form, "patient": patient})


@requires("patients.change_patient")
def patient_merge(request, uuid):
    patient = staff_patient(request, uuid)
    if blocked := consent_block(request, patient):
        return blocked
    candidates = merge_candidates(patient, patients_visible_to(request.user))
    form = MergeForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        duplicate = form.cleaned_data["duplicate"]
        require_patient_access(request.user, duplicate)
        try:
            services.patient_merge(actor=request.user, keep=patient, duplicate=duplicate, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The duplicate is merged into this record."))
            return redirect("patients:detail", uuid=patient.uuid)
    return render(request, "patients/merge.html", {"form": form, "patient": patient})


@requires("patients.view_patient")
def registration_card(request, uuid):
    """The registration card as a PDF, in the patient's language or the one asked for (kk or ru)."""
    from weasyprint import HTML

    patient = staff_patient(request, uuid)
    choice = CardLanguageForm(request.GET)
    if blocked := consent_block(request, patient):
        return blocked
    language = (choice.cleaned_data.get("language") if choice.is_valid() else "") or patient.preferred_language
    with translation.override(language):
        html = render_to_string(
            "patients/card_pdf.html",
            {
                "patient": patient,
                "printed_at": timezone.localtime(),
                "printed_by": request.user,
                "representatives": patient.legal_representatives.all(),
                "language": language,
            },
        )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    services.patient_printed(actor=request.user, patient=patient, document="registration_card", language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="registration-card-{patient.uuid}-{language}.pdf"'
    return response


@require_POST
@requires("patients.change_patient")
def patient_invite(request, uuid):
    patient = staff_patient(request, uuid)
    try:
        services.patient_invite(actor=request.user, patient=patient, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation to the personal cabinet is sent by SMS."))
    return redirect("patients:detail", uuid=patient.uuid)


# --- Bulk reattachment ------------------------------------------------------------------------------
@requires("patients.change_patient")
def patients_reattach(request):
    """Move many patients to another site at once, all or none (a site re-division)."""
    from accounts.models import Site

    organisations = {assignment.organisation_id for assignment in request.user.active_role_assignments()}
    form = ReattachForm(
        request.POST if request.method == "POST" else None,
        sites=Site.objects.filter(department__organisation_id__in=organisations).select_related("department"),
        patients=patients_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        moved = services.patients_reattach(
            actor=request.user,
            patients=form.cleaned_data["iins"],
            site=form.cleaned_data["site"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            translation.ngettext("%(count)d patient moved to %(site)s.", "%(count)d patients moved to %(site)s.", moved)
            % {"count": moved, "site": form.cleaned_data["site"]},
        )
        return redirect("patients:reattach")
    return render(request, "patients/reattach.html", {"form": form}, status=400 if form.errors else 200)
