"""One form of address: the product says "u", also on the log-in and second-factor pages whose
texts come from django-allauth (its Dutch says "je"; locale/nl overrides them, ADR 0108)."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
JE = re.compile(r"\b(je|jij|jou|jouw|jezelf)\b", re.IGNORECASE)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_log_in_pages_say_u_and_never_je(users):
    user = users["regie"]
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    pages = [client.get(reverse("account_login")).content.decode()]
    wrong = client.post(reverse("account_login"), {"login": user.email, "password": "fout"})
    pages.append(wrong.content.decode())
    assert "Het e-mailadres of het wachtwoord dat u opgaf, klopt niet." in pages[-1]
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    mfa = client.get(reverse("mfa_authenticate")).content.decode()
    pages.append(mfa)
    assert "Uw account is beveiligd met een tweede stap." in mfa
    pages.append(client.get(reverse("account_reset_password")).content.decode())
    for html in pages:
        assert not JE.search(visible_text(html)), JE.search(visible_text(html))
