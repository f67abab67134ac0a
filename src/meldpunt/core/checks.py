"""System checks of Meldpunt's own settings (``meldpunt check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

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
