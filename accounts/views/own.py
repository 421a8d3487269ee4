"""A person's own account: profile, password, second factor, sign-out everywhere."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from .. import mfa as mfa_service
from .. import services
from ..adapters import check_lock, count_failure, sign_in_completed
from ..choices import Outcome, SecurityEventType
from ..forms import ChangePasswordForm, CodeForm, SetInitialPasswordForm
from ..journal import security_event
from ..policy import is_staff_user
from .common import posted


def _next_url(request, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    from django.urls import reverse

    return reverse(default)


@login_required
def profile(request):
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {
            "role_assignments": user.active_role_assignments(),
            "totp": mfa_service.confirmed_totp(user),
            "backup_codes_left": mfa_service.remaining_backup_codes(user),
            "staff": is_staff_user(user),
        },
    )


@never_cache
@login_required
def password_change(request):
    """The person's own password change; forced (without the old password, just typed at sign-in) after an
    initial or reset password."""
    user = request.user
    forced = user.must_change_password
    form_class = SetInitialPasswordForm if forced else ChangePasswordForm
    form = form_class(user, posted(request))
    if request.method == "POST":
        if form.is_valid():
            services.password_change(user=user, new_password=form.cleaned_data["new_password1"])
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect(_next_url(request))
        security_event(
            event=SecurityEventType.PASSWORD_REJECTED,
            outcome=Outcome.FAILURE,
            user=user,
            details={"errors": sorted({e.code or "invalid" for field in form.errors.as_data().values() for e in field})},
        )
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": forced, "next": request.GET.get("next", "")},
    )


@never_cache
@login_required
def mfa(request):
    user = request.user
    return render(
        request,
        "accounts/mfa.html",
        {
            "totp": mfa_service.confirmed_totp(user),
            "backup_codes_left": mfa_service.remaining_backup_codes(user),
            "staff": is_staff_user(user),
            "verified": user.is_verified(),
        },
    )


@never_cache
@login_required
def mfa_enrol(request):
    """Enrol an authenticator app: scan the QR code, type the first code. Replacing an enrolled factor
    needs a session verified with it."""
    user = request.user
    if mfa_service.has_second_factor(user) and not user.is_verified():
        return redirect("accounts:mfa_verify")
    device = mfa_service.pending_totp(user)
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if mfa_service.confirm_totp(device, form.cleaned_data["code"]):
            otp_login(request, device)
            codes = mfa_service.issue_backup_codes(user)
            security_event(event=SecurityEventType.MFA_ENROLLED, user=user, details={"method": "totp"})
            sign_in_completed(user)
            return render(
                request,
                "accounts/backup_codes.html",
                {
                    "codes": [mfa_service.format_backup_code(code) for code in codes],
                    "next": _next_url(request),
                    "enrolled": True,
                },
            )
        security_event(
            event=SecurityEventType.MFA_FAILED,
            outcome=Outcome.FAILURE,
            user=user,
            details={"step": "enrolment"},
        )
        form.add_error(
            "code",
            _("The code does not match. Check the time on your phone and type the code the app shows now."),
        )
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "qr": mfa_service.qr_data_uri(device),
            "key": mfa_service.base32_key(device),
            "next": request.GET.get("next", ""),
            "replacing": mfa_service.confirmed_totp(user) is not None,
        },
    )


@never_cache
@login_required
def mfa_verify(request):
    """The second step of sign-in: a code from the app or a backup code. Wrong codes count towards the
    lock-out; once locked, the session ends."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not mfa_service.has_second_factor(user):
        return redirect("accounts:mfa")
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        from django.core.exceptions import ValidationError

        try:
            check_lock(user=user)
        except ValidationError as error:
            from allauth.account.adapter import get_adapter

            get_adapter(request).logout(request)
            return render(request, "accounts/refused.html", {"message": error.messages[0]}, status=403)
        device = mfa_service.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            security_event(
                event=SecurityEventType.MFA_VERIFIED,
                user=user,
                details={"method": "backup" if device.name == mfa_service.BACKUP_DEVICE_NAME else "totp"},
            )
            sign_in_completed(user)
            return redirect(_next_url(request))
        lock = count_failure(event=SecurityEventType.MFA_FAILED, user=user)
        if lock is not None:
            from allauth.account.adapter import get_adapter

            from ..adapters import lock_message

            get_adapter(request).logout(request)
            return render(request, "accounts/refused.html", {"message": lock_message(lock)}, status=403)
        form.add_error("code", _("The code is not right. Type the code your app shows now, or a backup code."))
    return render(
        request,
        "accounts/mfa_verify.html",
        {
            "form": form,
            "next": request.GET.get("next", "") or request.POST.get("next", ""),
            "factors": [factor for factor in mfa_service.SECOND_FACTORS if factor.url_name],
        },
    )


@never_cache
@login_required
@require_POST
def mfa_backup_codes(request):
    user = request.user
    if not mfa_service.has_second_factor(user):
        messages.error(request, _("Enrol an authenticator app first."))
        return redirect("accounts:mfa")
    codes = mfa_service.issue_backup_codes(user)
    security_event(event=SecurityEventType.MFA_BACKUP_CODES, user=user)
    return render(
        request,
        "accounts/backup_codes.html",
        {
            "codes": [mfa_service.format_backup_code(code) for code in codes],
            "next": "",
            "enrolled": False,
        },
    )


@login_required
@require_POST
def sign_out_everywhere(request):
    """End every session of the user, this one included."""
    from allauth.account.adapter import get_adapter

    services.sessions_end_all(actor=request.user, user=request.user)
    get_adapter(request).logout(request)
    return redirect("account_login")
