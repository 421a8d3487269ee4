import uuid

from django.conf import settings

from . import request_context


def client_ip(request) -> str:
    """The client address; X-Forwarded-For is believed only from the configured reverse proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxy = getattr(settings, "TRUSTED_PROXY", "")
    if proxy and remote == proxy:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
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
