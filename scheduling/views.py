"""The front desk's day grid and booking, appointment pages, visits, the cabinet's appointments, and
notifications. Thin: the rules are in services and selectors."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import can_access_patient
from accounts.models import Department
from accounts.permissions import administered_organisations
from mis.pages import form_errors, requires
from patients.cabinet import cabinet_context, cabinet_patient
from patients.models import Patient
from patients.selectors import patient_for_staff
from patients.views import staff_patient

from . import selectors, services
from .forms import (
    BookForm,
    DayGridForm,
    EmergencyVisitForm,
    ReasonForm,
    ScheduleExceptionForm,
    ScheduleForm,
    WeekForm,
    hours_formset,
)
from .models import Appointment, Notification, Schedule, Service, Slot


def _uuid_or_blank(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return ""


def _slot_from(value: str) -> Slot | None:
    try:
        return Slot.objects.select_related("schedule").filter(uuid=uuid.UUID(value)).first()
    except (ValueError, TypeError):
        return None


def _link_cells(cells, *, can_book: bool, for_patient: str = "") -> None:
    """Give each grid cell its link: the appointment when booked, the booking page when free and the user
    may book. One reverse() per URL name, then the placeholder is filled in: a department's day has
    a thousand cells."""
    placeholder = str(uuid.UUID(int=0))
    appointment = reverse("scheduling:appointment", kwargs={"uuid": placeholder})
    book = reverse("scheduling:book", kwargs={"slot_uuid": placeholder}) + (f"?patient={for_patient}" if for_patient else "")
    for cell in cells:
        if cell.appointment_uuid:
            cell.href = appointment.replace(placeholder, str(cell.appointment_uuid))
        elif can_book and not cell.is_blocked:
            cell.href = book.replace(placeholder, str(cell.uuid))


def _departments(user):
    organisations = {assignment.organisation_id for assignment in user.active_role_assignments()}
    return Department.objects.filter(organisation_id__in=organisations).order_by("code")


# --- The front desk -------------------------------------------------------------------------------
@requires("scheduling.view_appointment")
def day(request):
    departments = _departments(request.user)
    form = DayGridForm(request.GET or None, departments=departments)
    rows, chosen, date = [], None, timezone.localdate()
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        chosen = filters.get("department") or departments.first()
        date = filters.get("date") or date
        if chosen is not None:
            rows = selectors.day_grid(
                department=chosen, date=date, service=filters.get("service"), form=filters.get("form", "")
            )
    for_patient = _uuid_or_blank(request.GET.get("patient", ""))  # booking from a patient's page
    can_book = request.user.has_perm("scheduling.add_appointment")
    cells = [cell for row in rows for cell in row.cells]
    _link_cells(cells, can_book=can_book, for_patient=for_patient)
    if chosen is not None:
        services.grid_viewed(actor=request.user, cells=cells, part="day_grid", department=chosen.code, date=date)
    template = "scheduling/partials/_day_grid.html" if request.htmx else "scheduling/day.html"
    return render(
        request,
        template,
        {"form": form, "rows": rows, "department": chosen, "date": date, "for_patient": for_patient},
        status=400 if form.errors else 200,
    )


@requires("scheduling.view_appointment")
def week(request):
    """One clinician's week; a clinician opening it without a choice sees their own."""
    clinicians = selectors.clinicians_scheduled_for(request.user)
    data = request.GET.copy()
    if "clinician" not in data and clinicians.filter(pk=request.user.pk).exists():
        data["clinician"] = str(request.user.uuid)
    form = WeekForm(data or None, clinicians=clinicians)
    days = []
    if form.is_bound and form.is_valid():
        days = selectors.week_grid(clinician=form.cleaned_data["clinician"], date=form.cleaned_data["date"])
    can_book = request.user.has_perm("scheduling.add_appointment")
    cells = [cell for day in days for cell in day.cells]
    _link_cells(cells, can_book=can_book)
    if days:
        clinician, date = form.cleaned_data["clinician"], form.cleaned_data["date"]
        services.grid_viewed(actor=request.user, cells=cells, part="week_grid", clinician=str(clinician.uuid), date=date)
    return render(
        request,
        "scheduling/week.html",
        {"form": form, "days": days},
        status=400 if form.errors else 200,
    )


@requires("scheduling.add_appointment")
def book(request, slot_uuid):
    slot = get_object_or_404(
        Slot.objects.select_related("clinician", "schedule__clinician", "schedule__department__organisation"),
        uuid=slot_uuid,
    )
    offered = slot.schedule.services.filter(is_active=True)
    initial = {}
    if patient_uuid := request.GET.get("patient"):
        try:
            chosen = patient_for_staff(request.user, uuid.UUID(patient_uuid))
        except ValueError:
            chosen = None
        initial["patient_iin"] = chosen.iin if chosen else ""
    form = BookForm(request.POST if request.method == "POST" else None, services=offered, initial=initial)
    if request.method == "POST" and form.is_valid():
        patient = (
            Patient.objects.filter(iin=form.cleaned_data["patient_iin"], is_active=True)
            .select_related("user", "site")  # the access check and the notifications read them
            .first()
        )
        if patient is None or not can_access_patient(request.user, patient):
            form.add_error("patient_iin", _("No patient of yours with this IIN."))
        else:
            try:
                appointment = services.appointment_book(
                    actor=request.user, patient=patient, slot=slot, service=form.cleaned_data["service"]
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Booked: %(name)s.") % {"name": appointment})
                return redirect("scheduling:appointment", uuid=appointment.uuid)
    return render(request, "scheduling/book.html", {"form": form, "slot": slot}, status=400 if form.errors else 200)


def _appointment(request, uuid) -> Appointment:
    queryset = selectors.appointments_visible_to(request.user).select_related(
        "patient", "clinician", "service", "slot__schedule", "booked_by"
    )
    return get_object_or_404(queryset, uuid=uuid)


@login_required
@never_cache
def appointment(request, uuid):
    appointment = _appointment(request, uuid)
    return render(
        request,
        "scheduling/appointment.html",
        {
            "appointment": appointment,
            "history": appointment.history.select_related("actor"),
            "cancel_form": ReasonForm(),
            "can_open_visit": request.user.has_perm("scheduling.open_visit")
            and appointment.clinician_id == request.user.pk
            and appointment.status == "booked",
        },
    )


@login_required
@never_cache
def appointment_move(request, uuid):
    appointment = _appointment(request, uuid)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        slot = _slot_from(request.POST.get("slot", ""))
        if slot is None:
            form.add_error(None, _("Choose a new time."))
        else:
            try:
                services.appointment_move(
                    actor=request.user, appointment=appointment, slot=slot, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("The appointment is moved."))
                return redirect(_after_change(request, appointment))
    slots = selectors.free_slots(clinician=appointment.clinician, service=appointment.service)
    return render(
        request,
        "scheduling/move.html",
        {"appointment": appointment, "form": form, "slots": slots},
        status=400 if form.errors else 200,
    )


def _after_change(request, appointment) -> str:
    if request.user.has_perm("scheduling.view_appointment"):
        return reverse("scheduling:appointment", kwargs={"uuid": appointment.uuid})
    return reverse("scheduling:my_appointments")


@require_POST
@login_required
def appointment_cancel(request, uuid):
    appointment = _appointment(request, uuid)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the appointment is cancelled."))
        services.appointment_cancel(actor=request.user, appointment=appointment, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The appointment is cancelled."))
    return redirect(_after_change(request, appointment))


# --- Schedule templates --------------------------------------------------------------------------
@requires("scheduling.change_schedule")
def schedules(request):
    return render(request, "scheduling/schedules.html", {"schedules": selectors.schedules_managed_by(request.user)})


def _hours(formset) -> list:
    return [hours for form in formset.forms if (hours := form.hours()) is not None]


def _schedule_page(request, schedule: Schedule, *, form=None, hours=None, exception_form=None):
    """The template's page: its form and weekly hours, and for a saved one its exceptions and the
    appointments left outside it."""
    if form is None:
        form = ScheduleForm(
            instance=schedule,
            organisations=administered_organisations(request.user, "scheduling.change_schedule"),
            initial=None if schedule.pk else {"valid_from": timezone.localdate()},
        )
    if hours is None:
        hours = hours_formset(schedule=schedule)
    context = {"form": form, "hours": hours, "schedule": schedule if schedule.pk else None}
    if schedule.pk:
        context |= {
            "exceptions": schedule.exceptions.filter(date__gte=timezone.localdate()).order_by("date"),
            "exception_form": exception_form or ScheduleExceptionForm(),
            "to_move": selectors.appointments_to_move(schedule),
        }
    failed = form.errors or any(hours.errors) or hours.non_form_errors() or (exception_form and exception_form.errors)
    return render(request, "scheduling/schedule_form.html", context, status=400 if failed else 200)


@requires("scheduling.change_schedule")
def schedule_edit(request, uuid=None):
    schedule = get_object_or_404(selectors.schedules_managed_by(request.user), uuid=uuid) if uuid else Schedule()
    if request.method != "POST":
        return _schedule_page(request, schedule)
    form = ScheduleForm(
        request.POST, instance=schedule, organisations=administered_organisations(request.user, "scheduling.change_schedule")
    )
    hours = hours_formset(request.POST, schedule)
    if form.is_valid() and hours.is_valid():
        try:
            counts = services.schedule_save(
                actor=request.user,
                schedule=form.save(commit=False),
                services=form.cleaned_data["services"],
                hours=_hours(hours),
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("The schedule is saved: %(added)d times added, %(removed)d removed.")
                % {"added": counts["added"], "removed": counts["removed"]},
            )
            return redirect("scheduling:schedule_edit", uuid=form.instance.uuid)
    return _schedule_page(request, schedule, form=form, hours=hours)


@require_POST
@requires("scheduling.change_schedule")
def schedule_exception_add(request, uuid):
    schedule = get_object_or_404(selectors.schedules_managed_by(request.user), uuid=uuid)
    form = ScheduleExceptionForm(request.POST)
    if form.is_valid():
        try:
            services.schedule_exception_add(actor=request.user, schedule=schedule, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The exception is added; the day's times follow it."))
            return redirect("scheduling:schedule_edit", uuid=schedule.uuid)
    return _schedule_page(request, schedule, exception_form=form)


@require_POST
@requires("scheduling.change_schedule")
def schedule_exception_remove(request, uuid, exception_id):
    schedule = get_object_or_404(selectors.schedules_managed_by(request.user), uuid=uuid)
    exception = get_object_or_404(schedule.exceptions, pk=exception_id)
    services.schedule_exception_remove(actor=request.user, exception=exception)
    messages.success(request, _("The exception is removed."))
    return redirect("scheduling:schedule_edit", uuid=schedule.uuid)


# --- Visits ---------------------------------------------------------------------------------------
@require_POST
@requires("scheduling.open_visit")
def visit_open(request, uuid):
    appointment = _appointment(request, uuid)
    try:
        services.encounter_open(actor=request.user, appointment=appointment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The visit is open."))
    return redirect("scheduling:appointment", uuid=appointment.uuid)


@requires("scheduling.open_visit")
def emergency_visit(request, patient_uuid):
    patient = staff_patient(request, patient_uuid)
    form = EmergencyVisitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.encounter_open(
                actor=request.user, patient=patient, emergency_reason=form.cleaned_data["emergency_reason"]
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.warning(request, _("An emergency visit is open without an appointment; it is journaled."))
            return redirect("patients:detail", uuid=patient.uuid)
    return render(
        request, "scheduling/emergency_visit.html", {"form": form, "patient": patient}, status=400 if form.errors else 200
    )


# --- The personal cabinet -------------------------------------------------------------------------
@requires("patients.use_personal_cabinet")
def my_appointments(request):
    patient = cabinet_patient(request)
    appointments = (
        patient.appointments.select_related("clinician", "service").order_by("-starts_at")[:100] if patient else []
    )
    now = timezone.now()
    upcoming = [a for a in appointments if a.starts_at >= now and a.status == "booked"][::-1]
    past = [a for a in appointments if a not in upcoming]
    return render(
        request,
        "scheduling/cabinet/appointments.html",
        {
            **cabinet_context(request, patient),
            "upcoming": upcoming,
            "past": past,
            "cancel_form": ReasonForm(),
        },
    )


@requires("patients.use_personal_cabinet")
def cabinet_book(request):
    """Service → clinician → free time, then book."""
    patient = cabinet_patient(request)
    services_offered = Service.objects.filter(is_active=True, schedules__isnull=False).distinct()
    service = services_offered.filter(code=request.GET.get("service", "")).first()
    clinicians = selectors.clinicians_offering(service) if service else []
    clinician = next((c for c in clinicians if str(c.uuid) == request.GET.get("clinician")), None)
    slots = selectors.free_slots(clinician=clinician, service=service) if clinician else []
    error = ""
    if request.method == "POST" and patient is not None and service is not None:
        slot = _slot_from(request.POST.get("slot", ""))
        try:
            if slot is None:
                raise ValidationError(_("Choose a time."))
            services.appointment_book(actor=request.user, patient=patient, slot=slot, service=service)
        except ValidationError as failure:
            error = " ".join(failure.messages)
        else:
            messages.success(request, _("You are booked."))
            return redirect("scheduling:my_appointments")
    return render(
        request,
        "scheduling/cabinet/book.html",
        {
            **cabinet_context(request, patient),
            "services": services_offered,
            "service": service,
            "clinicians": clinicians,
            "clinician": clinician,
            "slots": slots,
            "error": error,
        },
        status=400 if error else 200,
    )


# --- Notifications --------------------------------------------------------------------------------
@requires("")
def notifications(request):
    inbox = list(Notification.objects.filter(recipient=request.user)[:100])
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "scheduling/notifications.html", {"notifications": inbox})
