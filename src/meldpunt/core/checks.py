"""System checks of Meldpunt's own settings (``meldpunt check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from .clientip import trusted_networks

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@register(Tags.security, deploy=True)
def check_email(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    problems = []
    if settings.EMAIL_BACKEND != SMTP:
        problems.append(
            Warning(
                "E-mail is not sent but written to files or the console: password reset mails "
                "never reach anyone.",
                hint="Set MELDPUNT_EMAIL_HOST (and user, password, port) to the SMTP relay.",
                id="meldpunt.W002",
            )
        )
    elif settings.DEFAULT_FROM_EMAIL.endswith("@localhost"):
        problems.append(
            Warning(
                "DEFAULT_FROM_EMAIL is a localhost address; mail servers refuse or bin it.",
                hint="Set MELDPUNT_DEFAULT_FROM_EMAIL, e.g. 'Meldpunt <meldpunt@gemeente.nl>'.",
                id="meldpunt.W003",
            )
        )
    return problems


@register(Tags.security)
def check_trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    try:
        trusted_networks()
    except ImproperlyConfigured as exc:
        problems.append(Error(str(exc), id="meldpunt.E001"))
    if settings.MELDPUNT_LEGACY_PROXY_COUNT:
        problems.append(
            Warning(
                "MELDPUNT_PROXY_COUNT is no longer read: X-Forwarded-For is now honoured only "
                "from the proxies in MELDPUNT_TRUSTED_PROXIES.",
                hint="Set MELDPUNT_TRUSTED_PROXIES to your proxies' addresses and remove "
                "MELDPUNT_PROXY_COUNT.",
                id="meldpunt.W004",
            )
        )
    return problems
