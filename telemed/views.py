"""Remote care pages: the patient's remote care for staff, the clinician's sessions, a session's page, and
the personal cabinet's remote sessions and messages. Thin: the rules are in services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mis.pages import form_errors, requires
from patients.cabinet import cabinet_context, cabinet_patient
from patients.views import consent_block, staff_patient

from . import selectors, services
from .choices import ACTION_LABELS, NEEDS_REASON, SessionStatus
from .forms import MessageForm, ScheduleSessionForm, TransitionForm
from .models import WAITING_ROOM_OPENS, RemoteSession
from .permissions import CONDUCT, LEVEL

CABINET = "patients.use_personal_cabinet"


def _actions(user, session: RemoteSession) -> list[dict]:
    return [
        {"to": status, "label": ACTION_LABELS[status], "needs_reason": status in NEEDS_REASON}
        for status in services.allowed_moves(user, session)
    ]


# --- Staff: the patient's remote care ---------------------------------------------------------------
def _schedule_form(request, patient, data=None) -> ScheduleSessionForm:
    return ScheduleSessionForm(
        data,
        clinicians=selectors.clinicians_for(request.user),
        appointments=selectors.remote_appointments(patient),
        initial={"clinician": request.user.uuid},
    )


def _patient_page(request, patient, *, schedule_form=None, message_form=None):
    services.telemed_viewed(actor=request.user, patient=patient, what="remote_care")
    upcoming, past = selectors.patient_sessions(request.user, patient)
    schedule_form = schedule_form or _schedule_form(request, patient)
    message_form = message_form or MessageForm()
    return render(
        request,
        "telemed/patient.html",
        {
            "patient": patient,
            "upcoming": upcoming,
            "past": past,
            "clinician_messages": selectors.patient_messages(request.user, patient),
            "schedule_form": schedule_form,
            "message_form": message_form,
        },
        status=400 if schedule_form.errors or message_form.errors else 200,
    )


@requires(CONDUCT)
def patient_telemed(request, patient_uuid):
    patient = staff_patient(request, patient_uuid, LEVEL)
    if blocked := consent_block(request, patient):
        return blocked
    return _patient_page(request, patient)


@require_POST
@requires(CONDUCT)
def session_schedule(request, patient_uuid):
    patient = staff_patient(request, patient_uuid, LEVEL)
    if blocked := consent_block(request, patient):
        return blocked
    form = _schedule_form(request, patient, request.POST)
    if form.is_valid():
        try:
            session = services.remote_session_schedule(actor=request.user, patient=patient, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The remote session is scheduled."))
            return redirect("telemed:session", uuid=session.uuid)
    return _patient_page(request, patient, schedule_form=form)


@require_POST
@requires(CONDUCT)
def message_send(request, patient_uuid):
    patient = staff_patient(request, patient_uuid, LEVEL)
    if blocked := consent_block(request, patient):
        return blocked
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_send(actor=request.user, patient=patient, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The message is sent; the patient is notified."))
            return redirect("telemed:patient_telemed", patient_uuid=patient.uuid)
    return _patient_page(request, patient, message_form=form)


# --- Staff: the clinician's sessions and a session's page ------------------------------------------
@requires(CONDUCT)
def my_sessions(request):
    sessions = selectors.clinician_sessions(request.user)
    services.sessions_listed(actor=request.user, sessions=sessions)
    today = timezone.localdate()
    return render(
        request,
        "telemed/my_sessions.html",
        {
            "today": [s for s in sessions if timezone.localtime(s.scheduled_start).date() <= today],
            "later": [s for s in sessions if timezone.localtime(s.scheduled_start).date() > today],
        },
    )


@requires(CONDUCT)
def session(request, uuid):
    session = get_object_or_404(selectors.session_for(request.user, uuid))
    if blocked := consent_block(request, session.patient):
        return blocked
    services.telemed_viewed(actor=request.user, patient=session.patient, what="remote_session", obj=session)
    return render(
        request,
        "telemed/session.html",
        {
            "session": session,
            "history": session.history.select_related("actor"),
            "actions": _actions(request.user, session),
        },
    )


def _back(request, session: RemoteSession) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    if request.user.has_perm(CONDUCT):
        return reverse("telemed:session", kwargs={"uuid": session.uuid})
    return reverse("telemed:my_remote_sessions")


@require_POST
@login_required
def session_transition(request, uuid):
    """One step of the session's life, from the clinician's pages or the patient's cabinet."""
    session = get_object_or_404(selectors.session_for(request.user, uuid))
    form = TransitionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose what to do with the session."))
        session = services.remote_session_transition(
            actor=request.user, session=session, to=form.cleaned_data["to"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The remote session is now: %(status)s.") % {"status": SessionStatus(session.status).label}
        )
    return redirect(_back(request, session))


# --- The personal cabinet (DSM39-4.12) ---------------------------------------------------------------
@requires(CABINET)
def my_remote_sessions(request):
    patient = cabinet_patient(request)
    if patient is None:
        return redirect("patients:cabinet")
    services.telemed_viewed(actor=request.user, patient=patient, what="cabinet_remote_sessions")
    upcoming, past = selectors.patient_sessions(request.user, patient)
    return render(
        request,
        "telemed/cabinet/sessions.html",
        {
            **cabinet_context(request, patient),
            "upcoming": upcoming,
            "past": past,
            "opens_minutes": int(WAITING_ROOM_OPENS.total_seconds() // 60),
        },
    )


@requires(CABINET)
def my_messages(request):
    patient = cabinet_patient(request)
    if patient is None:
        return redirect("patients:cabinet")
    services.telemed_viewed(actor=request.user, patient=patient, what="cabinet_messages")
    inbox = selectors.patient_messages(request.user, patient)
    return render(request, "telemed/cabinet/messages.html", {**cabinet_context(request, patient), "inbox": inbox})


@requires(CABINET)
def my_message(request, uuid):
    """Opening a message marks it read, once, for the patient and their representatives alike."""
    message = get_object_or_404(selectors.cabinet_message(request.user, uuid))
    services.telemed_viewed(actor=request.user, patient=message.patient, what="clinician_message", obj=message)
    message = services.message_mark_read(actor=request.user, message=message)
    return render(request, "telemed/cabinet/message.html", {**cabinet_context(request, message.patient), "message": message})
