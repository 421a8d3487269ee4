"""Every request of a signed-in user passes the clinic's access rules, in this order:

1. refusals — a ban (DSM80-22.6), outside working hours (DSM80-22.1), an untrusted address for staff
   (DSM80-28.1): the request is refused with the reason, journaled, and the session ends;
2. a second factor the user has enrolled but not yet given in this session: the verify page;
3. a password that must be changed (initial or reset by an administrator, DSM80-22.7/22.8): the
   password page;
4. staff without a second factor enrolled (DSM80-27.4): the enrolment page.

Installed after mis.middleware.RequestContextMiddleware (it reads the client address from there).
"""

from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from mis import request_context

from .choices import Outcome
from .journal import security_event
from .mfa import has_second_factor
from .policy import Refusal, is_staff_user, refusal_for

# URL names a user may always reach: sign-out, the language switch, health checks.
ALWAYS_ALLOWED = {"account_logout", "set_language", "healthz", "readyz", "javascript-catalog"}
MFA_PAGES = {"accounts:mfa_verify", "accounts:mfa_enrol"}
PASSWORD_PAGES = {"accounts:password_change"}


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def refuse(request, user, refusal: Refusal, *, at_sign_in: bool = False):
    """Journal the refusal, end the session and answer with the reason."""
    security_event(
        event=refusal.event,
        outcome=Outcome.REFUSED,
        user=user,
        details={**refusal.details, "path": request.path[:200], "at_sign_in": at_sign_in},
    )
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)
    if _is_api(request):
        return JsonResponse({"detail": refusal.message}, status=403)
    return render(request, "accounts/refused.html", {"message": refusal.message}, status=403)


def _redirect_to(request, url_name: str):
    if _is_api(request):
        return JsonResponse({"detail": "second factor or password change required"}, status=403)
    target = reverse(url_name)
    next_url = request.get_full_path()
    if request.method == "GET" and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        target += "?" + urlencode({"next": next_url})
    return redirect(target)


NO_FACTOR_SESSION_KEY = "accounts_no_second_factor"


def _patient_has_second_factor(request, user) -> bool:
    # A patient without a second factor is asked about it once per session, not on every request; one
    # who enrols during the session is verified by the enrolment itself.
    if request.session.get(NO_FACTOR_SESSION_KEY) == user.pk:
        return False
    enrolled = has_second_factor(user)
    if not enrolled:
        request.session[NO_FACTOR_SESSION_KEY] = user.pk
    return enrolled


class AccessPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in ALWAYS_ALLOWED:
            return None
        refusal = refusal_for(user, ip=request_context.current().ip)
        if refusal is not None:
            return refuse(request, user, refusal)
        verified = user.is_verified() if hasattr(user, "is_verified") else False
        staff = is_staff_user(user)
        enrolled = not verified and (has_second_factor(user) if staff else _patient_has_second_factor(request, user))
        if enrolled:
            return None if name == "accounts:mfa_verify" else _redirect_to(request, "accounts:mfa_verify")
        if user.must_change_password:
            return None if name in PASSWORD_PAGES else _redirect_to(request, "accounts:password_change")
        if not verified and staff:
            return None if name in MFA_PAGES else _redirect_to(request, "accounts:mfa_enrol")
        return None
