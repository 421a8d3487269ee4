"""Staff pages (a patient's monitoring, the clinician's alerts) and the cabinet's readings page. Thin: the
rules are in services, the reads and their journal entries in selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mis.pages import form_errors, requires
from patients.cabinet import cabinet_context, cabinet_patient
from patients.views import consent_block, staff_patient

from . import selectors, services
from .choices import AlertLevel, ReadingSource
from .forms import AcknowledgeForm, PlanForm, ReadingForm


def _recorded(request, reading, *, by_patient: bool = False) -> None:
    alert = getattr(reading, "alert", None)
    if alert is None:
        messages.success(request, _("The reading is saved."))
    elif by_patient:
        messages.warning(request, _("The reading is saved. It is out of your limits: your doctor is told."))
    elif alert.level == AlertLevel.CRITICAL:
        messages.error(request, _("The reading is saved. It is critically out of the limits: the clinicians are told."))
    else:
        messages.warning(request, _("The reading is saved. It is out of the limits: the clinicians are told."))


# --- A patient's monitoring (staff) ----------------------------------------------------------------
def _patient_page(request, patient, *, plan_form=None, reading_form=None):
    user = request.user
    can_order = user.has_perm("monitoring.order_monitoring")
    can_record = user.has_perm("monitoring.add_reading")
    if plan_form is None and can_order:
        plan_form = PlanForm(clinicians=selectors.monitoring_clinicians_for(user))
    if reading_form is None and can_record:
        reading_form = ReadingForm()
    data = selectors.patient_monitoring(user=user, patient=patient, page=request.GET.get("page"))
    failed = (plan_form is not None and plan_form.errors) or (reading_form is not None and reading_form.errors)
    return render(
        request,
        "monitoring/patient.html",
        {
            "patient": patient,
            "data": data,
            "plan_form": plan_form if can_order else None,
            "reading_form": reading_form if can_record else None,
            "can_order": can_order,
        },
        status=400 if failed else 200,
    )


@requires("monitoring.view_monitoring")
def patient_monitoring(request, patient_uuid):
    patient = staff_patient(request, patient_uuid, services.MONITORING_LEVEL)
    if blocked := consent_block(request, patient):
        return blocked
    return _patient_page(request, patient)


@require_POST
@requires("monitoring.order_monitoring")
def plan_start(request, patient_uuid):
    patient = staff_patient(request, patient_uuid, services.MONITORING_LEVEL)
    if blocked := consent_block(request, patient):
        return blocked
    form = PlanForm(request.POST, clinicians=selectors.monitoring_clinicians_for(request.user))
    if form.is_valid():
        try:
            services.plan_start(
                actor=request.user,
                patient=patient,
                monitoring_clinician=form.cleaned_data["monitoring_clinician"],
                ends_on=form.cleaned_data["ends_on"],
                limits=form.limits(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Remote monitoring is started."))
            return redirect("monitoring:patient_monitoring", patient_uuid=patient.uuid)
    return _patient_page(request, patient, plan_form=form)


@require_POST
@requires("monitoring.order_monitoring")
def plan_end(request, uuid):
    plan = get_object_or_404(selectors.plans_visible_to(request.user).select_related("patient"), uuid=uuid)
    if blocked := consent_block(request, plan.patient):
        return blocked
    try:
        services.plan_end(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Remote monitoring is ended."))
    return redirect("monitoring:patient_monitoring", patient_uuid=plan.patient.uuid)


@require_POST
@requires("monitoring.add_reading")
def reading_add(request, patient_uuid):
    patient = staff_patient(request, patient_uuid, services.MONITORING_LEVEL)
    if blocked := consent_block(request, patient):
        return blocked
    form = ReadingForm(request.POST)
    if form.is_valid():
        try:
            reading = services.reading_record(
                actor=request.user, patient=patient, source=ReadingSource.MANUAL_STAFF, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            _recorded(request, reading)
            return redirect("monitoring:patient_monitoring", patient_uuid=patient.uuid)
    return _patient_page(request, patient, reading_form=form)


@require_POST
@requires("monitoring.view_monitoring")
def alert_acknowledge(request, uuid):
    alert = get_object_or_404(selectors.alerts_visible_to(request.user).select_related("patient"), uuid=uuid)
    if blocked := consent_block(request, alert.patient):
        return blocked
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():  # the page's input cannot send a longer note; a refusal, not a silent empty one
        reason = " ".join(form.errors["note"])
        messages.error(request, _("The alert is not acknowledged. What was done: %(reason)s") % {"reason": reason})
    else:
        try:
            services.alert_acknowledge(actor=request.user, alert=alert, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The alert is acknowledged."))
    if request.POST.get("back") == "alerts":
        return redirect("monitoring:alerts")
    return redirect("monitoring:patient_monitoring", patient_uuid=alert.patient.uuid)


# --- The clinician's alerts -------------------------------------------------------------------------
@requires("monitoring.view_monitoring")
def alerts(request):
    page = selectors.clinician_alerts(user=request.user, page=request.GET.get("page"))
    return render(request, "monitoring/alerts.html", {"page": page})


# --- The personal cabinet ---------------------------------------------------------------------------
@requires("patients.use_personal_cabinet")
def my_readings(request):
    """The cabinet's readings and alerts, and the form where the patient enters a reading (DSM39-5.3)."""
    patient = cabinet_patient(request)
    form = ReadingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and patient is not None and form.is_valid():
        try:
            reading = services.reading_record(
                actor=request.user, patient=patient, source=ReadingSource.MANUAL_PATIENT, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            _recorded(request, reading, by_patient=True)
            return redirect("monitoring:my_readings")
    data = None
    if patient is not None:
        data = selectors.cabinet_monitoring(user=request.user, patient=patient, page=request.GET.get("page"))
    return render(
        request,
        "monitoring/cabinet/readings.html",
        {**cabinet_context(request, patient), "data": data, "form": form},
        status=400 if form.errors else 200,
    )
