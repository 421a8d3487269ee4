"""The security-event journal (DSM80-27.7), trusted addresses (DSM80-28.1) and emergency access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mis import request_context
from mis.pages import form_errors

from .. import selectors, services
from ..access import can_access_patient
from ..choices import AccessLevel
from ..forms import EmergencyAccessForm, SecurityEventFilterForm, TrustedNetworkForm
from ..models import SecurityEvent, TrustedNetwork
from ..permissions import (
    administered_organisations,
    can_manage_trusted_networks,
    can_use_emergency_access,
    can_view_security_events,
)
from .administration import _requires
from .common import posted

view_security_events = _requires(can_view_security_events)
manage_trusted_networks = _requires(can_manage_trusted_networks)


@view_security_events
def security_events(request):
    form = SecurityEventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.security_events(**{key: value for key, value in filters.items() if value})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/security/events.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "unreviewed": selectors.unreviewed_flag_count(),
        },
    )


@view_security_events
@require_POST
def security_event_review(request, pk):
    event = get_object_or_404(SecurityEvent, pk=pk, flagged=True)
    services.security_event_review(actor=request.user, event=event)
    messages.success(request, _("The event is marked as reviewed."))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("accounts:security_events")


@manage_trusted_networks
def trusted_networks(request):
    organisations = administered_organisations(request.user, "accounts.manage_trusted_networks")
    organisation = next(
        (o for o in organisations if str(o.uuid) == request.GET.get("organisation")),
        organisations[0] if organisations else None,
    )
    if organisation is None:
        raise PermissionDenied(_("You administer no organisation."))
    ip = request_context.current().ip
    form = TrustedNetworkForm(request.POST if request.POST.get("action") == "add" else None)
    switch_error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "add":
                if form.is_valid():
                    services.trusted_network_add(actor=request.user, organisation=organisation, **form.cleaned_data)
                    messages.success(request, _("The range has been added."))
                    return redirect(f"{request.path}?organisation={organisation.uuid}")
            elif request.POST.get("action") in ("enable", "disable"):
                services.trusted_networks_switch(
                    actor=request.user,
                    organisation=organisation,
                    actor_ip=ip,
                    enabled=request.POST["action"] == "enable",
                )
                messages.success(
                    request,
                    _("The restriction has been switched on.")
                    if request.POST["action"] == "enable"
                    else _("The restriction has been switched off."),
                )
                return redirect(f"{request.path}?organisation={organisation.uuid}")
        except ValidationError as error:
            if request.POST.get("action") == "add":
                form_errors(form, error)
            else:
                switch_error = error.messages[0]
    return render(
        request,
        "accounts/security/networks.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "form": form,
            "ip": ip,
            "networks": organisation.trusted_networks.all(),
            "switch_error": switch_error,
        },
        status=400 if switch_error or form.errors else 200,
    )


@manage_trusted_networks
def trusted_network_remove(request, uuid):
    organisations = administered_organisations(request.user, "accounts.manage_trusted_networks")
    entry = get_object_or_404(
        TrustedNetwork.objects.select_related("organisation"), uuid=uuid, organisation__in=organisations
    )
    error = None
    if request.method == "POST":
        try:
            services.trusted_network_remove(actor=request.user, entry=entry, actor_ip=request_context.current().ip)
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            messages.success(request, _("The range has been removed."))
            return redirect(f"{reverse('accounts:trusted_networks')}?organisation={entry.organisation.uuid}")
    return render(
        request,
        "accounts/admin/confirm.html",
        {
            "error": error,
            "danger": True,
            "title": _("Remove a trusted range"),
            "question": _("Remove %(network)s from the trusted addresses of %(organisation)s?")
            % {"network": entry.network, "organisation": entry.organisation},
            "button": _("Remove"),
        },
        status=400 if error else 200,
    )


@never_cache
@login_required
def emergency_access(request, uuid):
    """Break the glass: a clinician states why they need a patient's record now and gets it for a while."""
    from patients.models import Patient

    if not can_use_emergency_access(request.user):
        raise PermissionDenied(_("Your roles do not allow emergency access."))
    patient = get_object_or_404(Patient, uuid=uuid)
    form = EmergencyAccessForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.emergency_access_grant(actor=request.user, patient=patient, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.warning(
                request,
                _("Emergency access is open until %(time)s. The security officer has been notified.")
                % {"time": formats.time_format(timezone.localtime(grant.expires_at), "TIME_FORMAT")},
            )
            next_url = request.POST.get("next", "")
            if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                return redirect(next_url)
            return redirect("home")
    return render(
        request,
        "accounts/emergency_access.html",
        {
            "form": form,
            "patient_uuid": patient.uuid,
            "next": request.GET.get("next", ""),
            "already": can_access_patient(request.user, patient, AccessLevel.FULL_RECORD),
        },
    )
