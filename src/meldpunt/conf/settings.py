"""Settings for Meldpunt. Every variable read here is documented in .env.example.

One module; ``test.py`` and ``production.py`` only override what differs.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent.parent  # the project root in a source checkout

env = environ.Env()
ENV_FILE = env.str("MELDPUNT_ENV_FILE", default=str(BASE_DIR / ".env"))
if Path(ENV_FILE).is_file():
    env.read_env(ENV_FILE)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Demo mode: seed-demo and the demo TOTP helper only work when this is on.
DEMO_MODE = env.bool("MELDPUNT_DEMO_MODE", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "meldpunt.core.staticfiles.MeldpuntStaticFilesConfig",  # django.contrib.staticfiles
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "template_partials",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "meldpunt.core",
    "meldpunt.privacy",
    "meldpunt.organisations",
    "meldpunt.accounts",
    "meldpunt.intake",
    "meldpunt.cases",
    "meldpunt.registries",
    "meldpunt.safeguards",
    "meldpunt.webhooks",
    "meldpunt.dataprotection",
    "meldpunt.demo",
    "meldpunt.reporting",
    "meldpunt.operations",
]

MIDDLEWARE = [
    # /healthz and /readyz answer before anything else (operations/health.py); then every request
    # gets its trace id, so whatever is logged or recorded while handling it carries that id.
    "meldpunt.operations.health.HealthCheckMiddleware",
    "meldpunt.core.middleware.TraceMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "meldpunt.accounts.middleware.IdleTimeoutMiddleware",
    "meldpunt.core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
    "meldpunt.accounts.middleware.RequireMFAMiddleware",
    "meldpunt.core.middleware.NoStoreMiddleware",
    "meldpunt.core.middleware.ApiVersionMiddleware",
]

ROOT_URLCONF = "meldpunt.conf.urls"
WSGI_APPLICATION = "meldpunt.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "meldpunt.core.context_processors.navigation",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# Django's widget templates, printed in Python (the same bytes, a fraction of the CPU; issue #14).
FORM_RENDERER = "meldpunt.core.widgets.WidgetRenderer"

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'meldpunt.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on the busy timeout instead of failing with "database is locked".
    # 16 KiB pages (set before WAL, so they apply when the file is created; an existing file
    # keeps its page size): a bulk import's commit writes a quarter of the page frames
    # (docs/adr/0007-intake-throughput.md).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-65536;"
        ),
    }
else:
    # Persistent connections (one per worker thread), checked before reuse after a request, so
    # a connection the server or a failover closed is replaced instead of failing a request.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A database cache: shared by every worker process, so lockouts and used TOTP codes hold across
# processes without another service.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "meldpunt_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: accounts are made by functioneel beheer, never by sign-up.
ACCOUNT_ADAPTER = "meldpunt.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's own failed-login limit (10/min per address, 5 per 5 min per account) would lock out
# everyone at an address, or an account from everywhere, after a few failures: axes does the
# lockout instead. allauth's other limits stay (e.g. 30 login attempts/min per address).
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_ADAPTER = "meldpunt.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Meldpunt"
MFA_PASSKEY_LOGIN_ENABLED = False

# django-axes: lock an account at one client address after repeated failures there, and the
# account everywhere after many more from all addresses together (accounts/lockout.py,
# docs/adr/0101-hardening.md). Never per address alone: offices and mobile networks share one.
AXES_HANDLER = "meldpunt.accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env.int("MELDPUNT_LOGIN_FAILURE_LIMIT", default=5)
MELDPUNT_LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("MELDPUNT_LOGIN_ACCOUNT_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = env.float("MELDPUNT_LOGIN_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
# A locked pair counts no further failures: from one address nobody reaches the account limit.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "meldpunt.accounts.adapters.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "meldpunt.core.clientip.axes_client_address"

# The client address of every rate limit and lockout (core/clientip.py, docs/adr/0101):
# X-Forwarded-For counts only from these proxies (IP addresses or networks; "unix" for a peer
# on a Unix socket). Empty: every request is counted under its direct peer.
MELDPUNT_TRUSTED_PROXIES = env.list("MELDPUNT_TRUSTED_PROXIES", default=[])
# Read only to warn: replaced by MELDPUNT_TRUSTED_PROXIES (check meldpunt.W004).
MELDPUNT_LEGACY_PROXY_COUNT = env.str("MELDPUNT_PROXY_COUNT", default="")

# E-mail (password reset). With MELDPUNT_EMAIL_HOST: SMTP (production). Without it every
# message is written as a file to MELDPUNT_EMAIL_FILE_PATH, so `make run` works without a mail
# server; production warns about that in `check --deploy` (meldpunt.W002).
EMAIL_HOST = env.str("MELDPUNT_EMAIL_HOST", default="")
EMAIL_BACKEND = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}[env.str("MELDPUNT_EMAIL_BACKEND", default="smtp" if EMAIL_HOST else "file")]
EMAIL_PORT = env.int("MELDPUNT_EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("MELDPUNT_EMAIL_USER", default="")
EMAIL_HOST_PASSWORD = env.str("MELDPUNT_EMAIL_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("MELDPUNT_EMAIL_USE_TLS", default=True)  # STARTTLS, port 587
EMAIL_USE_SSL = env.bool("MELDPUNT_EMAIL_USE_SSL", default=False)  # implicit TLS, port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set MELDPUNT_EMAIL_USE_TLS or MELDPUNT_EMAIL_USE_SSL, not both.")
EMAIL_TIMEOUT = env.int("MELDPUNT_EMAIL_TIMEOUT", default=10)
EMAIL_FILE_PATH = env.str("MELDPUNT_EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env.str("MELDPUNT_DEFAULT_FROM_EMAIL", default="meldpunt@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Meldpunt] "
# No mail to addresses without an account: accounts are made by functioneel beheer, and such a
# mail would let anyone make the Meldpunt write to any address.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False

# Sessions: an idle timeout and no persistent login. The timeout is renewed at most once a minute
# (accounts.middleware.IdleTimeoutMiddleware, ADR 0124), not written on every request.
SESSION_COOKIE_AGE = env.int("MELDPUNT_SESSION_IDLE_SECONDS", default=15 * 60)
SESSION_RENEW_SECONDS = min(60, SESSION_COOKIE_AGE // 10)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "meldpunt.core.views.csrf_failure"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
# Dutch formats everywhere (dd-mm-jjjj, 1.234,56), in English too (conf/formats, ADR 0108).
FORMAT_MODULE_PATH = ["meldpunt.conf.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("MELDPUNT_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
NODE_MODULES = Path(env.str("MELDPUNT_NODE_MODULES", default=str(BASE_DIR / "node_modules")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
if NODE_MODULES.is_dir():
    # Without node_modules (the container image, after collectstatic at build time) the
    # collected files in STATIC_ROOT are all there is.
    STATICFILES_DIRS += [
        ("vendor/utrecht", NODE_MODULES / "@utrecht" / "component-library-css" / "dist"),
        ("vendor/utrecht-tokens", NODE_MODULES / "@utrecht" / "design-tokens" / "dist"),
        ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
        ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Development (`make run`, DEBUG on or off): whitenoise serves the files straight from the
    # source folders through the finders, fresh on every request, without collectstatic.
    # Production (production.py): collected, hashed and compressed files.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Uploads never lie in plaintext in the temp folder: small ones stay in memory, larger ones
# stream into an encrypted temporary file (privacy/uploads.py, docs/adr/0101-hardening.md).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "meldpunt.privacy.uploads.EncryptedTemporaryFileUploadHandler",
]
FILE_UPLOAD_TEMP_DIR = env.str("MELDPUNT_UPLOAD_TEMP_DIR", default="") or None
MEDIA_ROOT = Path(env.str("MELDPUNT_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Encryption of personal data (see docs/adr/0002-encryption.md). Keys come only from the
# environment: "id:base64key,id:base64key"; the active key encrypts, all keys decrypt.
MELDPUNT_ENCRYPTION_KEYS = env.str("MELDPUNT_ENCRYPTION_KEYS")
MELDPUNT_ENCRYPTION_ACTIVE_KEY = env.str("MELDPUNT_ENCRYPTION_ACTIVE_KEY")
MELDPUNT_BLIND_INDEX_KEY = env.str("MELDPUNT_BLIND_INDEX_KEY")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "meldpunt.accounts.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # A key may call only the operations its scopes allow (accounts/scopes.py).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "meldpunt.accounts.api_auth.TokenScope",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, with a size and nesting limit: anything else is a 415 (docs/adr/0101).
    "DEFAULT_PARSER_CLASSES": ["meldpunt.core.parsers.LimitedJSONParser"],
    "EXCEPTION_HANDLER": "meldpunt.core.api.problem_exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Rate limits per client address (anonymous: the public verification) and per user/API key.
    "DEFAULT_THROTTLE_CLASSES": [
        "meldpunt.core.throttling.AnonThrottle",
        "meldpunt.core.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("MELDPUNT_API_RATE_ANON", default="60/min"),
        "user": env.str("MELDPUNT_API_RATE_USER", default="600/min"),
        # the public verification, web page and API together, per client address
        "verification": env.str("MELDPUNT_VERIFY_RATE", default="30/min"),
    },
}
API_VERSION = "1.0.0"
# Request bodies: larger ones are refused with 413 (the API) before they are read; JSON nested
# deeper than this is refused with 400 before it is parsed. A batch of 1000 signals is ~1 MB.
# API clients (keys) are valid for at most this many days; their organisation's admin renews them.
MELDPUNT_API_TOKEN_MAX_DAYS = env.int("MELDPUNT_API_TOKEN_MAX_DAYS", default=365)
# Webhooks (docs/webhooks.md): only https addresses in public networks, unless an operator
# allows plain http or private addresses (a receiver inside the own network, tests on loopback).
MELDPUNT_WEBHOOK_ALLOW_HTTP = env.bool("MELDPUNT_WEBHOOK_ALLOW_HTTP", default=False)
MELDPUNT_WEBHOOK_ALLOW_PRIVATE = env.bool("MELDPUNT_WEBHOOK_ALLOW_PRIVATE", default=False)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("MELDPUNT_MAX_BODY_BYTES", default=4 * 1024 * 1024)
MELDPUNT_API_MAX_JSON_DEPTH = env.int("MELDPUNT_API_MAX_JSON_DEPTH", default=20)
SPECTACULAR_SETTINGS = {
    "TITLE": "Meldpunt API",
    "DESCRIPTION": "API van het Centraal Meldpunt vroegsignalering huurachterstanden.",
    "VERSION": API_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "CONTACT": {"name": "Meldpunt", "email": "meldpunt@example.org", "url": "https://example.org"},
    "LICENSE": {"name": "EUPL-1.2"},
    "SERVERS": [{"url": "/api/v1"}],
    # The NL API Design Rules: API-Version and problem+json errors on every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "meldpunt.core.openapi.nl_api_design_rules",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # Named, so a case's status is one component and the batch row's keeps its name.
    "ENUM_NAME_OVERRIDES": {
        "ZaakStatus": "meldpunt.cases.workflow.CaseStatus",
        "Contactsoort": "meldpunt.cases.vocabulary.ContactKind",
        "Dagdeel": "meldpunt.cases.vocabulary.PartOfDay",
        "SoortGebeurtenis": "meldpunt.cases.models.InstrumentEvent.Kind",
        "Eindresultaat": "meldpunt.cases.vocabulary.END_RESULT_CHOICES",
        "StatusEnum": [("accepted", "accepted"), ("refused", "refused")],
    },
}

# Registry adapter for triage (BRP, benefits): a class implementing registries.base.Registry.
MELDPUNT_REGISTRY = env.str("MELDPUNT_REGISTRY", default="meldpunt.registries.local.LocalRegistry")
# Geregelde betaling: the adapter to the income administration that withholds the rent
# (registries.income), and the exchange folder of the file adapter (docs/geregelde-betaling-bestanden.md).
MELDPUNT_INCOME_ADMINISTRATION = env.str(
    "MELDPUNT_INCOME_ADMINISTRATION",
    default="meldpunt.registries.income.FileIncomeAdministration",
)
MELDPUNT_INCOME_FILE_DIR = env.str(
    "MELDPUNT_INCOME_FILE_DIR", default=str(BASE_DIR / "var" / "inkomen")
)
# The municipalities whose residents the Meldpunt serves (CBS gemeentecodes): a person the BRP
# registers elsewhere is "not a resident".
MELDPUNT_MUNICIPALITY_CODES = env.list("MELDPUNT_MUNICIPALITY_CODES", default=[])
# Haal Centraal BRP API (registries.haalcentraal, docs/adr/0104-brp-adapter.md).
MELDPUNT_BRP_URL = env.str("MELDPUNT_BRP_URL", default="")
MELDPUNT_BRP_API_KEY = env.str("MELDPUNT_BRP_API_KEY", default="")
MELDPUNT_BRP_CLIENT_CERT = env.str("MELDPUNT_BRP_CLIENT_CERT", default="")
MELDPUNT_BRP_CLIENT_KEY = env.str("MELDPUNT_BRP_CLIENT_KEY", default="")
MELDPUNT_BRP_CA_BUNDLE = env.str("MELDPUNT_BRP_CA_BUNDLE", default="")
MELDPUNT_BRP_TIMEOUT = env.float("MELDPUNT_BRP_TIMEOUT", default=5.0)
MELDPUNT_BRP_RETRIES = env.int("MELDPUNT_BRP_RETRIES", default=2)
MELDPUNT_BRP_CONCURRENCY = env.int("MELDPUNT_BRP_CONCURRENCY", default=4)

# Large signal files are prepared (checked, hashed, encrypted) in a second process while the
# first one writes (intake/parallel.py, docs/adr/0007). Off: one process does both.
MELDPUNT_INTAKE_PARALLEL = env.bool("MELDPUNT_INTAKE_PARALLEL", default=True)
# On PostgreSQL, each next batch of a large file is decided while the one before is written, on
# a second connection (intake/ahead.py, docs/adr/0127). Off: one batch after another.
MELDPUNT_INTAKE_WRITE_AHEAD = env.bool("MELDPUNT_INTAKE_WRITE_AHEAD", default=True)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The worker (meldpunt run-worker, docs/operations.md): a worker not seen for this long counts as
# gone (its running tasks go back in the queue); /readyz wants one seen within the other limit.
MELDPUNT_WORKER_STALE_SECONDS = env.int("MELDPUNT_WORKER_STALE_SECONDS", default=120)
MELDPUNT_READY_WORKER_SECONDS = env.int("MELDPUNT_READY_WORKER_SECONDS", default=60)
MELDPUNT_TASK_RESULTS_KEEP_DAYS = env.int("MELDPUNT_TASK_RESULTS_KEEP_DAYS", default=14)

# Outcomes a landlord registers (safeguards.TenancyOutcome, ADR 0106): a verklaring counts as
# valid for a bailiff hand-over or an eviction this many days after it was issued.
MELDPUNT_VERKLARING_VALID_DAYS = env.int("MELDPUNT_VERKLARING_VALID_DAYS", default=90)

# Published figures: a count below this is suppressed (reporting/suppression.py, ADR 0103).
MELDPUNT_SUPPRESSION_K = env.int("MELDPUNT_SUPPRESSION_K", default=10)

# DDAS v1.2: CBS collects with POST /ddas/v1/gegevens behind an FSC Inway (docs/ddas.md).
# The data source is the case file; the endpoint is off (404) until CBS's peer id is set.
MELDPUNT_DDAS_SOURCE = env.str(
    "MELDPUNT_DDAS_SOURCE", default="meldpunt.reporting.delivery.CaseFileSource"
)
# The aanleverende organisatie of every levering: empty = the municipality itself.
MELDPUNT_DDAS_ORGANISATION_NAME = env.str("MELDPUNT_DDAS_ORGANISATION_NAME", default="")
MELDPUNT_DDAS_KVK_NUMBER = env.str("MELDPUNT_DDAS_KVK_NUMBER", default="")
# Its contact persons, JSON: [{"naam": …, "telefoonnummer": …, "email": …, "functietitel": …}].
MELDPUNT_DDAS_CONTACT_PERSONS = env.json("MELDPUNT_DDAS_CONTACT_PERSONS", default=[])
MELDPUNT_DDAS_SUPPLIER_CODE = env.str("MELDPUNT_DDAS_SUPPLIER_CODE", default="")
MELDPUNT_DDAS_SIGNING_KEY = env.str("MELDPUNT_DDAS_SIGNING_KEY", default="")
MELDPUNT_DDAS_SIGNING_KEY_PASSWORD = env.str("MELDPUNT_DDAS_SIGNING_KEY_PASSWORD", default="")
MELDPUNT_DDAS_SIGNING_CERT = env.str("MELDPUNT_DDAS_SIGNING_CERT", default="")
MELDPUNT_DDAS_SIGNING_KID = env.str("MELDPUNT_DDAS_SIGNING_KID", default="")
MELDPUNT_DDAS_SIGNATURE_MODE = env.str("MELDPUNT_DDAS_SIGNATURE_MODE", default="digest")
MELDPUNT_DDAS_REPORTING_PERIOD = env.str("MELDPUNT_DDAS_REPORTING_PERIOD", default="kwartaal")
MELDPUNT_DDAS_CLIENT_PEER_IDS = env.list("MELDPUNT_DDAS_CLIENT_PEER_IDS", default=[])
MELDPUNT_DDAS_FSC_TOKEN_CERTS = env.str("MELDPUNT_DDAS_FSC_TOKEN_CERTS", default="")
MELDPUNT_DDAS_FSC_SERVICE = env.str("MELDPUNT_DDAS_FSC_SERVICE", default="")

# Logs never carry personal data: messages are written without it, paths become URL patterns,
# and the JSON formatter drops exception messages (core/logging.py). "json": one object per
# line for a log platform; "text": readable lines for development.
MELDPUNT_LOG_FORMAT = env.str("MELDPUNT_LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "trace": {"()": "meldpunt.core.logging.TraceIdFilter"},
        "redact_path": {"()": "meldpunt.privacy.logging.RedactRequestPathFilter"},
        "strip_query": {"()": "meldpunt.core.logging.StripQueryStringFilter"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s trace=%(trace_id)s %(message)s"},
        "json": {"()": "meldpunt.core.logging.JsonFormatter"},
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if MELDPUNT_LOG_FORMAT == "json" else "text",
            "filters": ["trace"],
        },
        "server": {"class": "logging.StreamHandler", "formatter": "server"},
    },
    "root": {"handlers": ["console"], "level": env.str("MELDPUNT_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # httpx logs every request's URL (webhook addresses, the BRP's query) at INFO.
        "httpx": {"level": "WARNING"},
        # Request paths may hold personal data someone typed: logged as the URL pattern.
        "django.request": {"filters": ["redact_path"]},
        "django.security.csrf": {"filters": ["redact_path"]},
        # The development server's access log: paths without their query strings.
        "django.server": {
            "handlers": ["server"],
            "filters": ["strip_query"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
