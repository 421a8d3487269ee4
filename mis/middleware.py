import ipaddress
import time
import uuid

from django.conf import settings

from . import request_context


def _from_trusted_proxy(remote: str) -> bool:
    proxies = [item.strip() for item in getattr(settings, "TRUSTED_PROXY", "").split(",") if item.strip()]
    if not proxies or not remote:
        return False
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    for proxy in proxies:
        try:
            if address in ipaddress.ip_network(proxy, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request) -> str:
    """The client address; X-Forwarded-For is believed only from the configured reverse proxy, and then
    only its last entry (the one that proxy appended; anything before it the client could have typed)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if _from_trusted_proxy(remote):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = request_context.RequestContext(
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            request_id=request.META.get("HTTP_X_REQUEST_ID", "") or uuid.uuid4().hex,
        )
        token = request_context.set_current(context)
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)


class IdleSessionMiddleware:
    """Sign-out after SESSION_IDLE_SECONDS of inactivity (the session's age slides with activity) without
    writing the session on every request: it is touched, and so saved with a new expiry, once a minute at
    most. Sits right after SessionMiddleware, which saves what it touched."""

    KEY, EVERY_SECONDS = "mis_seen_at", 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.EVERY_SECONDS:
                session[self.KEY] = now
        return response
