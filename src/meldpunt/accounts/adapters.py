"""Hooks into django-allauth and django-axes."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from meldpunt.core.clientip import client_address
from meldpunt.privacy.crypto import keyring

_TOTP_AD = b"mfa_authenticator.totp_secret"
logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: Any) -> bool:
        return False  # accounts are made by functioneel beheer

    def get_client_ip(self, request: Any) -> str:
        """allauth's rate limits count per client address like everything else (core.clientip)."""
        return client_address(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Send, and when the mail server fails log that without the address: never a 500.

        The page then says what it always says (a mail is on its way if the account exists),
        so an outage reveals nothing about accounts either.
        """
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError) as exc:
            logger.error(
                "E-mail %s niet verzonden: %s",
                template_prefix.rsplit("/", 1)[-1],
                type(exc).__name__,
            )


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are personal security data: encrypted with the same key ring."""

    def encrypt(self, text: str) -> str:
        return keyring().encrypt(text.encode(), _TOTP_AD).hex()

    def decrypt(self, encrypted_text: str) -> str:
        return keyring().decrypt(bytes.fromhex(encrypted_text), _TOTP_AD).decode()


def axes_username(request: Any, credentials: dict | None) -> str | None:
    """The login name axes counts failures for: the e-mail address, case-insensitive."""
    credentials = credentials or {}
    value = (
        credentials.get("email")
        or credentials.get("username")
        or credentials.get("login")
        or (request.POST.get("login") if request is not None and request.method == "POST" else None)
    )
    return value.strip().lower() if isinstance(value, str) else None
