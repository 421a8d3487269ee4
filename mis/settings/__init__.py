"""Settings are chosen by DJANGO_ENV: development (default), test or production."""

import os

from .base import *  # noqa: F403

_env = os.environ.get("DJANGO_ENV", "development")
if _env == "production":
    from .prod import *  # noqa: F403
elif _env == "test":
    from .test import *  # noqa: F403
elif _env != "development":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"DJANGO_ENV must be development, test or production, not {_env!r}")
