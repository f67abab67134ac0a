"""Strict checks for text that leaves the Meldpunt: e-mail addresses and formula-like text.

E-mail (docs/adr/0101-hardening.md): one plain address, ``local@domain`` — no display name
("Naam <a@b.nl>"), no quoted or commented local part, no IP literal, a domain of at least two
labels with an alphabetic top-level domain, at most 64 characters before the "@" and 254 in
all (RFC 5321). Django's EmailValidator accepts quoted local parts and ``localhost``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

EMAIL_MAX_LENGTH = 254
LOCAL_MAX_LENGTH = 64
# Letters, digits and the usual punctuation; starts with a letter, digit or "_" (never a formula
# character such as "=", "+" or "-"); dots only between characters.
_LOCAL = re.compile(r"[a-z0-9_](?:[a-z0-9_%+'&-]|\.(?=[a-z0-9_%+'&-]))*", re.ASCII | re.I)
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII | re.I)
_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", re.ASCII | re.I)

INVALID_EMAIL = "Geen geldig e-mailadres; gebruik de vorm naam@voorbeeld.nl."


def email_address_problem(value: str) -> str | None:
    """The Dutch reason why ``value`` is no acceptable e-mail address, or None if it is."""
    if len(value) > EMAIL_MAX_LENGTH:
        return f"Een e-mailadres is hoogstens {EMAIL_MAX_LENGTH} tekens."
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        return INVALID_EMAIL
    if len(local) > LOCAL_MAX_LENGTH:
        return f"Het deel voor de @ is hoogstens {LOCAL_MAX_LENGTH} tekens."
    if not _LOCAL.fullmatch(local):
        return INVALID_EMAIL
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return INVALID_EMAIL
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2:
        return INVALID_EMAIL
    if not all(_LABEL.fullmatch(label) for label in labels) or not _TLD.fullmatch(labels[-1]):
        return INVALID_EMAIL
    return None


def validate_email_address(value: str) -> None:
    """Django validator (forms, services) for :func:`email_address_problem`."""
    problem = email_address_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="invalid_email")


# Spreadsheet formula injection (OWASP "CSV injection"): a cell that starts with one of these
# is run as a formula by Excel or LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_MESSAGE = "Mag niet beginnen met =, +, -, @, een tab of een regeleinde."


def starts_like_formula(text: str) -> bool:
    """Whether ``text`` starts like a formula. A minus followed only by digits ("-1", a house
    number addition) is a number to a spreadsheet, not a formula, and is allowed."""
    if not text.startswith(FORMULA_TRIGGERS):
        return False
    return not (text[0] == "-" and text[1:].isascii() and text[1:].isdigit())
