"""Settings of Relogement.

Everything that differs between a laptop demo and a production deployment comes from the environment
(see docs/operations.md). SQLite is the default database; PostgreSQL when DATABASE_URL says so.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str
from config.services import cache_settings, huey_settings, init_sentry, storage_settings

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
_DEV_SECRET = "insecure-dev-only-key-never-use-in-production-0123456789abcdefghijklmnop"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else None)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("SECRET_KEY doit être défini en production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Reference data (communes with outlines, zones, NPNRU sites) ship with the application, so that a clone
# runs alone; a deployment for another territory points RELOGEMENT_DATA_DIR at files of the same form.
REFERENCE_DATA_DIR = Path(env_str("RELOGEMENT_DATA_DIR", str(BASE_DIR / "relogement" / "territory" / "data")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # The task queue and scheduler (docs/operations.md § Tasks): `manage.py run_huey` is the worker,
    # provided by relogement.core (huey.contrib.djhuey is imported by the task modules only, not at
    # start-up: it imports the Redis and PostgreSQL clients).
    "relogement.core",
    "relogement.accounts",
    "relogement.territory",
    "relogement.projects",
    "relogement.households",
    "relogement.audit",
    "relogement.offers",
    "relogement.rehousing",
    "relogement.benefits",
    "relogement.followup",
    "relogement.indicators",
    "relogement.exchange",
    "relogement.matching",
    "relogement.governance",
    "relogement.grievances",
    "relogement.requests",
    "relogement.alerts",
    "relogement.demo",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "relogement.api",
    "relogement.dataprotection",
    "relogement.documents",
    "relogement.duplicates",
]

MIDDLEWARE = [
    # First: every later log line of the request carries its id (core/request_id.py).
    "relogement.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave its second factor (accounts/two_factor.py).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "relogement.accounts.middleware.ActiveOrganisationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: it logs an idle or too old session out with a message (docs/operations.md).
    "relogement.accounts.session_timeout.SessionTimeoutMiddleware",
    # A user who owes a second factor reaches only the page asking for it (accounts/two_factor_gate.py).
    "relogement.accounts.two_factor_gate.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Logs a read of every named household a page shows (audit/reads.py; needs the active organisation).
    "relogement.audit.middleware.FileReadMiddleware",
    "relogement.core.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a refused login into the lock-out page (accounts/throttling.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "relogement" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "relogement.accounts.context_processors.active_organisation",
                "relogement.core.menu.main_menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several users at once on the embedded database: wait for locks rather than fail.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# ANSSI (recommandations relatives à l'authentification multifacteur et aux mots de passe, 2021) and
# OWASP ASVS 4.0 §2.1.1: at least 12 characters for a password alone; common and all-digit passwords
# and passwords close to the user's names are refused (docs/operations.md).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in security (docs/operations.md § Sign-in security). django-axes' backend comes first: it refuses
# a locked-out account or address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Two-factor authentication (TOTP) is mandatory for everyone who can see named household data and for
# administrators (predicates.must_use_two_factor); on by default outside DEBUG, offered in the demo.
OTP_REQUIRED = env_bool("RELOGEMENT_2FA_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = env_str("RELOGEMENT_2FA_ISSUER", "Relogement")
# Login throttling (accounts/throttling.py): failures per username and per address within the window,
# and the length of a lock-out (an administrator may unlock earlier).
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 10, minimum=3)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 50, minimum=3)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1)
# The header in which the reverse proxy writes the client's address (empty: REMOTE_ADDR; client_ip.py).
CLIENT_IP_HEADER = env_str("RELOGEMENT_CLIENT_IP_HEADER", "")
AXES_HANDLER = "relogement.accounts.throttling.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = "relogement.accounts.throttling.cooloff"
AXES_LOCKOUT_CALLABLE = "relogement.accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "relogement.accounts.client_ip.client_ip"
# The security log (accounts/security_log.py) is the record of logins: no second one in axes' tables,
# and no axes pages in the admin (unlocking is logged on /securite/comptes/).
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
# Rows of the security log older than this are deleted by `manage.py purge_security_log` (CNIL: 6 to
# 12 months for access logs; docs/personal-data.md §8).
SECURITY_LOG_RETENTION_DAYS = env_int("SECURITY_LOG_RETENTION_DAYS", 365, minimum=30)
# The API call log (api.ApiCall: token, method, path, status) is an access log: same rule as the security log.
API_CALL_RETENTION_DAYS = env_int("API_CALL_RETENTION_DAYS", 365, minimum=30)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# Numbers are formatted by the `fr` template filters; a global separator would corrupt ids in forms.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# Every file (import uploads, exports) goes through the default storage: MEDIA_ROOT, a volume shared
# by every web and worker process, or S3-compatible object storage when S3_BUCKET is set
# (config/services.py). Nothing under it is served by a URL: downloads go through scoped views.
STORAGES = {
    "default": storage_settings(),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Personal data: files and folders readable by the application's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Household documents (docs/household-file.md § Documents): largest file accepted, in bytes (10 MiB).
# The reverse proxy's body limit must allow it (nginx client_max_body_size).
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)

SESSION_COOKIE_HTTPONLY = True
# A session ends SESSION_COOKIE_AGE seconds after the login however active the user (absolute), and
# after SESSION_IDLE_TIMEOUT_MINUTES without activity (accounts/session_timeout.py).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Probes of a load balancer speak plain HTTP to the application server (core/health.py).
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]

# Shared services (docs/operations.md § Production stack). With REDIS_URL, the cache (API throttling,
# indicators, map outlines) and the task queue live in Redis, shared by every process; without it the
# cache is per process and the queue a SQLite file (the demo's single machine).
REDIS_URL = env_str("REDIS_URL", "")
CACHES = cache_settings(REDIS_URL)
TASKS_SQLITE_PATH = Path(env_str("TASKS_SQLITE_PATH", str(BASE_DIR / "var" / "tasks.sqlite3")))
HUEY = huey_settings(
    redis_url=env_str("TASKS_REDIS_URL", REDIS_URL),
    sqlite_path=TASKS_SQLITE_PATH,
    # Runs every task at once in the caller, without a worker: tests only.
    immediate=env_bool("TASKS_IMMEDIATE", False),
    workers=env_int("TASKS_WORKERS", 2, minimum=1),
)
# A running import or export silent this long lost its worker; a job still waiting this long after
# its creation lost its queued task. Both are then recorded as failed (exchange/models.py).
JOBS_STALE_MINUTES = env_int("JOBS_STALE_MINUTES", 15, minimum=2)
JOBS_PENDING_MAX_MINUTES = env_int("JOBS_PENDING_MAX_MINUTES", 360, minimum=10)

# E-mail (notifications sent by the task worker, core/notifications.py): SMTP when EMAIL_HOST is set;
# otherwise printed to the console in DEBUG and not sent at all in production.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Relogement <ne-pas-repondre@relogement.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address users reach, for links in e-mails (https://relogement.example.org); empty: the first of
# ALLOWED_HOSTS over HTTPS.
SITE_URL = env_str("SITE_URL", "") or (
    "http://127.0.0.1:8000" if DEBUG else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}"
)

# Build the benefits engine (openfisca, 3–11 s) in a background thread when a server process starts,
# so that the first household ranking does not pay for it (docs/matching.md). Off in tests.
MATCHING_WARM_UP_ENGINE = env_bool("MATCHING_WARM_UP_ENGINE", True)
# Exchange-format exports of more households than this are written in the background (a whole
# metropolis takes minutes) and downloaded from their page.
EXCHANGE_EXPORT_INLINE_MAX = env_int("EXCHANGE_EXPORT_INLINE_MAX", 5000)
# Household list XLSX exports of more rows are written by the task worker (the CSV always streams).
HOUSEHOLD_EXPORT_INLINE_MAX = env_int("HOUSEHOLD_EXPORT_INLINE_MAX", 5000)

# Partner API (docs/api.md): token authentication only, JSON only, French errors, bounded pages.
# Requests per token (DRF rate "N/second|minute|hour|day"), counted in the default cache: per process
# with the default local-memory cache, so set a shared cache to make it a global limit.
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "120/minute")
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 200)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["relogement.api.authentication.OrganisationTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["relogement.api.throttling.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "relogement.api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "relogement.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "relogement.api.errors.exception_handler",
    "NON_FIELD_ERRORS_KEY": "general",
    "DATE_INPUT_FORMATS": ["iso-8601"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Relogement",
    "VERSION": "1",
    "DESCRIPTION": (
        "API des partenaires du relogement : bailleurs, prestataires sociaux, communes, bureaux d'étude "
        "et métropole. Chaque requête porte l'en-tête `Authorization: Token <jeton>` ; un jeton agit "
        "pour une organisation et voit exactement ce que ses pages montrent (même périmètre, mêmes "
        "règles sur les données personnelles). Hors du périmètre : 404 ; écriture non permise : 403 ; "
        "données invalides : 400 avec le champ et la raison, rien n'est enregistré. "
        "Voir docs/api.md pour les exemples et la politique de versions."
    ),
    "SCHEMA_PATH_PREFIX": "/api/v[0-9]+",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to the public validator (an outside request, refused by the CSP anyway).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "defaultModelsExpandDepth": 0},
    "COMPONENT_SPLIT_REQUEST": True,
    # A field a rule may leave out of an answer is declared optional; the others are always present.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    # One schema name per enumeration used by several fields.
    "ENUM_NAME_OVERRIDES": {
        "StatutMenageEnum": "relogement.households.statuses.HouseholdStatus",
        "TypologieEnum": "relogement.projects.models.DwellingType",
        "EtatPropositionEnum": "relogement.offers.models.ProposalStatus",
        "DecisionCaleolEnum": "relogement.offers.models.CommissionDecision",
        "ReponseEnum": "relogement.offers.models.Answer",
        "ReponseDuMenageEnum": "relogement.api.proposals.ANSWERS",
    },
}

# Logs go to the console (the container's output), one JSON object per line outside DEBUG, each with
# the request id (core/request_id.py, core/structured_logs.py); LOG_FORMAT=text for plain lines.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} : json ou text attendu.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "relogement.core.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "relogement.core.structured_logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Through our handler only (Django's own console handler would print its lines twice in DEBUG).
        "django": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING"), "propagate": False},
        # One line per request (runserver writes its own in DEBUG).
        "relogement.access": {"level": env_str("ACCESS_LOG_LEVEL", "WARNING" if DEBUG else "INFO")},
        # The worker's start, tasks received and finished, periodic tasks enqueued. Its own handler, so
        # that `run_huey` does not add a plain-text one.
        "huey": {"handlers": ["console"], "level": env_str("TASKS_LOG_LEVEL", "INFO"), "propagate": False},
    },
}

# Error reports to Sentry (or a compatible service) when SENTRY_DSN is set; without personal data
# (config/services.py).
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    init_sentry(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=env_int("SENTRY_TRACES_PERCENT", 0, minimum=0) / 100,
    )
