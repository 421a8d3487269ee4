from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("MIS_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
DEBUG = env_bool("DEBUG", DJANGO_ENV == "development")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The project's own apps, in dependency order; demo data, the authorization matrix and the role
# permission matrix walk this list.
PROJECT_APPS = [
    "accounts",
    "audit",
    "classifiers",
    "patients",
    "scheduling",
    "telemed",
    "records",
    "monitoring",
    "pharmacy",
    "integrations",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "bootstrap",
    "rest_framework",
    "drf_spectacular",
    "mis",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mis.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mis.middleware.RequestContextMiddleware",
    "accounts.middleware.AccessPolicyMiddleware",
]

ROOT_URLCONF = "mis.urls"
WSGI_APPLICATION = "mis.wsgi.application"
ASGI_APPLICATION = "mis.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mis.context_processors.navigation",
            ],
        },
    },
]

# --- Database: PostgreSQL only, through psycopg 3 ---------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mis")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
if _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(f"DATABASE_URL must point to PostgreSQL (postgres://…), not {DATABASE_URL!r}")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker, pub/sub ------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "mis"),
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# The age above is an inactivity timeout, not an absolute one: mis.middleware.IdleSessionMiddleware
# slides it forward, saving the session at most once a minute rather than on every request.

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "mis")
CELERY_BEAT_SCHEDULE: dict = {
    "sweep-outbox": {"task": "integrations.tasks.sweep_outbox", "schedule": 15.0},
    "appointment-reminders": {"task": "scheduling.tasks.send_reminders", "schedule": 60.0},
    "appointment-notifications": {"task": "scheduling.tasks.notify_pending", "schedule": 60.0},
    "extend-slots": {"task": "scheduling.tasks.extend_slots", "schedule": 6 * 3600.0},
    "end-expired-monitoring-plans": {"task": "monitoring.tasks.end_expired_plans", "schedule": 24 * 3600.0},
}
# How many days ahead clinicians' slots exist for booking.
SCHEDULE_HORIZON_DAYS = env_int("SCHEDULE_HORIZON_DAYS", 28)

# --- Accounts and sign-in ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.RoleBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/15m/key"}
ACCOUNT_FORMS = {"login": "accounts.forms.SignInForm"}
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "MIS")
# The address of the reverse proxy in front of the server (an address or a CIDR range, comma-separated
# for several): only from there is X-Forwarded-For believed (mis.middleware.client_ip).
TRUSTED_PROXY = env_str("TRUSTED_PROXY", "")

# --- Languages and time ------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("CLINIC_TIME_ZONE", "Asia/Almaty")

# --- Static files: from installed packages, served by WhiteNoise --------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security headers --------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MIS API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- The clinic and its peers ------------------------------------------------------------------
CLINIC_TIME_ZONE = TIME_ZONE
NATIONAL_SIM_PORT = env_int("NATIONAL_SIM_PORT", 8780)
NATIONAL_SYSTEMS_URL = env_str("NATIONAL_SYSTEMS_URL", f"http://127.0.0.1:{NATIONAL_SIM_PORT}")
# The personal-data access control service each organisation uses (DSM80-25 state, DSM80-26 non-state),
# by organisation code; "default" for the rest. See patients/consents.py.
PERSONAL_DATA_ACCESS_SERVICE = {"default": env_str("PERSONAL_DATA_ACCESS_SERVICE", "state")}
MLLP_PORT = env_int("MLLP_PORT", 2575)
DICOM_PORT = env_int("DICOM_PORT", 11112)
DICOM_AE_TITLE = env_str("DICOM_AE_TITLE", "MIS")

# --- Audit journal -----------------------------------------------------------------------------
# The hash chain's key: set once per installation and never changed (see audit/chain.py).
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY", "dev-only-audit-chain-key")
# How long the journal is kept (DSM39-4.17); the application itself never deletes it.
AUDIT_RETENTION_YEARS = env_int("AUDIT_RETENTION_YEARS", 25)
AUDIT_EXPORT_MAX_ROWS = env_int("AUDIT_EXPORT_MAX_ROWS", 200_000)
# Changed-field names whose values the viewer masks (the journal stores them as they were).
AUDIT_MASKED_FIELDS = frozenset(
    env_list(
        "AUDIT_MASKED_FIELDS",
        "iin,phone,email,password,document_number,address,registration_address,actual_address,birth_date",
    )
)
CELERY_BEAT_SCHEDULE["verify-audit-chain"] = {"task": "audit.tasks.verify_audit_chain", "schedule": 24 * 3600.0}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
