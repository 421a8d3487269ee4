"""Who and where the current request comes from, for the audit and security journals.

A ContextVar (not a thread-local) so that it is correct under ASGI as well as WSGI; services that run
outside a request (Celery, management commands) see the empty default.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str = ""
    user_agent: str = ""
    request_id: str = ""


_current: ContextVar[RequestContext] = ContextVar("mis_request_context", default=RequestContext())  # noqa: B039 - frozen


def current() -> RequestContext:
    return _current.get()


def set_current(context: RequestContext):
    return _current.set(context)


def reset(token) -> None:
    _current.reset(token)
