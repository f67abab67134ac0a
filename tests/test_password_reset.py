"""Password reset works end to end and never fails with a 500 (issue #13).

The mail set-up: SMTP when MELDPUNT_EMAIL_HOST is set, else files in var/mail (``make run``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Een-nieuw-lang-wachtwoord-77"
RESET_LINK = re.compile(r"https?://\S+/accounts/password/reset/key/\S+")


def _login(email: str, password: str):
    return Client().post(reverse("account_login"), {"login": email, "password": password})


def _request_reset(client: Client, email: str):
    return client.post(reverse("account_reset_password"), {"email": email})


def test_password_reset_end_to_end(users):
    email = users["beleid"].email
    client = Client()
    assert client.get(reverse("account_reset_password")).status_code == 200
    response = _request_reset(client, email)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email]
    assert message.subject.startswith("[Meldpunt]")
    link = RESET_LINK.search(message.body).group()

    # The link stores the key in the session and leads to the form for the new password.
    response = client.get(urlparse(link).path)
    assert response.status_code == 302
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    assert _login(email, NEW_PASSWORD).status_code == 302
    assert not _login(email, PASSWORD).wsgi_request.user.is_authenticated
    # The link works once.
    again = Client().get(urlparse(link).path, follow=True)
    assert again.status_code == 200
    assert b'name="password1"' not in again.content


def test_an_unknown_address_gets_the_same_answer_and_no_mail(users):
    response = _request_reset(Client(), "niemand@voorbeeld.nl")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox == []


def test_make_run_writes_mail_to_files(users, tmp_path):
    backend = "django.core.mail.backends.filebased.EmailBackend"
    with override_settings(EMAIL_BACKEND=backend, EMAIL_FILE_PATH=str(tmp_path)):
        assert _request_reset(Client(), users["beleid"].email).status_code == 302
    files = list(tmp_path.iterdir())
    assert len(files) == 1
    assert RESET_LINK.search(files[0].read_text())


def test_a_mail_server_that_is_down_gives_no_500_and_no_address_in_the_log(users, caplog):
    with socket.socket() as probe:  # a port on loopback that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    caplog.set_level(logging.DEBUG)
    with override_settings(
        EMAIL_BACKEND=smtp, EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_USE_TLS=False
    ):
        response = _request_reset(Client(), users["beleid"].email)
    assert response.status_code == 302
    assert "niet verzonden" in caplog.text
    assert users["beleid"].email not in caplog.text


def _settings_in_subprocess(**environ: str) -> dict:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MELDPUNT_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "meldpunt.conf.settings",
        "DJANGO_SECRET_KEY": "x" * 50,
        "MELDPUNT_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
        "MELDPUNT_ENCRYPTION_ACTIVE_KEY": "k1",
        "MELDPUNT_BLIND_INDEX_KEY": "A" * 43 + "=",
        "MELDPUNT_ENV_FILE": "/nonexistent",
        **environ,
    }
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k)"
        " for k in ('EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER',"
        " 'EMAIL_USE_TLS', 'EMAIL_FILE_PATH', 'DEFAULT_FROM_EMAIL')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_the_mail_settings_come_from_the_environment():
    development = _settings_in_subprocess()
    assert development["EMAIL_BACKEND"].endswith("filebased.EmailBackend")
    assert Path(development["EMAIL_FILE_PATH"]).parts[-2:] == ("var", "mail")
    production = _settings_in_subprocess(
        MELDPUNT_EMAIL_HOST="smtp.gemeente.nl",
        MELDPUNT_EMAIL_PORT="2525",
        MELDPUNT_EMAIL_USER="meldpunt",
        MELDPUNT_DEFAULT_FROM_EMAIL="Meldpunt <meldpunt@gemeente.nl>",
    )
    assert production == {
        **production,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.gemeente.nl",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "meldpunt",
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "Meldpunt <meldpunt@gemeente.nl>",
    }


def test_deploy_check_warns_while_mail_is_not_sent():
    from meldpunt.core.checks import check_email

    smtp = "django.core.mail.backends.smtp.EmailBackend"
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend"):
        assert [w.id for w in check_email()] == ["meldpunt.W002"]
    with override_settings(EMAIL_BACKEND=smtp, DEFAULT_FROM_EMAIL="meldpunt@localhost"):
        assert [w.id for w in check_email()] == ["meldpunt.W003"]
    with override_settings(EMAIL_BACKEND=smtp, DEFAULT_FROM_EMAIL="meldpunt@gemeente.nl"):
        assert check_email() == []
