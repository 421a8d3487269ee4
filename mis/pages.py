"""What the apps' views share: the permission gate of a page and a service's refusal shown on its form."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


def requires(permission: str):
    """A signed-in user whose roles hold `permission` (403 otherwise; "" lets in anyone signed in); the page
    is never cached."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if permission and not request.user.has_perm(permission):
                raise PermissionDenied(_("Your roles do not allow this page."))
            return view(request, *args, **kwargs)

        return never_cache(wrapped)

    return decorator


def form_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field where it names one of the form's."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
