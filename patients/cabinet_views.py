"""The personal cabinet (DSM39-4.12, DSM39-4.18) and signing up for it by IIN, phone and SMS code."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mis.pages import requires

from . import services
from .cabinet import cabinet_context, cabinet_patient, cabinet_switch, section_summaries
from .forms import SignUpCodeForm, SignUpForm

SIGN_UP_SESSION_KEY = "patients_sign_up_code"

cabinet_page = requires("patients.use_personal_cabinet")


def _cabinet_render(request, template: str, patient, **context):
    return render(request, template, {**cabinet_context(request, patient), **context})


@cabinet_page
def cabinet(request):
    patient = cabinet_patient(request)
    if patient is None:
        return _cabinet_render(request, "patients/cabinet/home.html", patient)
    services.patient_viewed(actor=request.user, patient=patient, what="cabinet_overview")
    return _cabinet_render(request, "patients/cabinet/home.html", patient, summaries=section_summaries(patient))


@cabinet_page
def cabinet_profile(request):
    patient = cabinet_patient(request)
    if patient is None:
        return redirect("patients:cabinet")
    services.patient_viewed(actor=request.user, patient=patient, what="cabinet_profile")
    return _cabinet_render(
        request,
        "patients/cabinet/profile.html",
        patient,
        representatives=patient.legal_representatives.all(),
        attachment=patient.attachments.select_related("site").filter(detached_at__isnull=True).first(),
    )


@cabinet_page
def cabinet_consents(request):
    patient = cabinet_patient(request)
    if patient is None:
        return redirect("patients:cabinet")
    services.patient_viewed(actor=request.user, patient=patient, what="cabinet_consents")
    return _cabinet_render(
        request,
        "patients/cabinet/consents.html",
        patient,
        consents=patient.personal_data_consents.select_related("organisation").all(),
    )


@require_POST
@cabinet_page
def cabinet_switch_view(request):
    try:
        patient_pk = int(request.POST.get("patient", ""))
    except ValueError:
        raise Http404(_("No such patient.")) from None
    patient = cabinet_switch(request, patient_pk)
    if patient is None:
        raise Http404(_("No such patient."))
    messages.info(request, _("The cabinet of %(name)s is open.") % {"name": patient.full_name})
    return redirect("patients:cabinet")


# --- Sign-up ----------------------------------------------------------------------------------------
@never_cache
def sign_up(request):
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        entry = services.sign_up_code_send(
            iin=form.cleaned_data["iin"], phone=form.cleaned_data["phone"], language=request.LANGUAGE_CODE
        )
        request.session[SIGN_UP_SESSION_KEY] = entry.pk if entry else None
        return redirect("patients:sign_up_verify")
    return render(request, "patients/sign_up.html", {"form": form})


REFUSALS = {
    "wrong": gettext_lazy("The code is wrong. Check the SMS and type it again."),
    "attempts": gettext_lazy("Too many wrong codes. Ask for a new code."),
    "expired": gettext_lazy("The code has expired or was not sent. Ask for a new code."),
}


@never_cache
def sign_up_verify(request):
    entry_id = request.session.get(SIGN_UP_SESSION_KEY, "missing")
    if entry_id == "missing":
        return redirect("patients:sign_up")
    form = SignUpCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if entry_id is None:
                raise services.SignUpRefused("expired")
            entry = services.sign_up_code_check(entry_id=entry_id, code=form.cleaned_data["code"])
            user = services.sign_up_complete(entry=entry, password=form.cleaned_data["password1"])
        except services.SignUpRefused as refusal:
            form.add_error("code", REFUSALS[refusal.reason])
        else:
            request.session.pop(SIGN_UP_SESSION_KEY, None)
            login(request, user, backend="accounts.backends.RoleBackend")
            messages.success(request, _("Welcome! Your personal cabinet is ready."))
            return redirect("patients:cabinet")
    return render(request, "patients/sign_up_verify.html", {"form": form})
