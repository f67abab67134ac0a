"""Production: HTTPS only, secure cookies. Everything else comes from the environment."""

from .settings import *  # noqa: F403
from .settings import LOGGING, STORAGES, env

# JSON log lines unless the operator asks for text.
if env.str("MELDPUNT_LOG_FORMAT", default="json") == "json":
    MELDPUNT_LOG_FORMAT = "json"
    LOGGING["handlers"]["console"]["formatter"] = "json"

DEBUG = False
SECURE_SSL_REDIRECT = env.bool("MELDPUNT_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
MFA_TRUST_COOKIE_SECURE = True
# Static files: collected (`meldpunt collectstatic`), hashed and compressed, read once at start.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
# Pages refer to static files only through {% static %} (hashed names): the unhashed copies
# are not kept, which halves what collectstatic writes and compresses.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
