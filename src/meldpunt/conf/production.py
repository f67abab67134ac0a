"""Production: HTTPS only, secure cookies. Everything else comes from the environment."""

from .settings import *  # noqa: F403
from .settings import env

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
