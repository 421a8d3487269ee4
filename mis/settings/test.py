"""Settings for the test suite: real PostgreSQL and Redis, fast password hashing."""

import atexit
import shutil
import tempfile
import uuid

from .base import *  # noqa: F403
from .base import CACHES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["KEY_PREFIX"] = "mis-test"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded files of this run go to a folder of its own, never into the development data.
MEDIA_ROOT = tempfile.mkdtemp(prefix="mis-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ACCOUNT_RATE_LIMITS = False

# Tasks run in-process unless a test starts a real worker (the `celery_worker` fixture), which consumes
# this run's own queue so that nothing left over from another run reaches it.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = f"mis-test-{uuid.uuid4().hex[:8]}"
