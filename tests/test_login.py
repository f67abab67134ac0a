"""Secure login: Argon2, lockout, MFA for personal-data roles, no TOTP replay (issue #2)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD, mfa_client

pytestmark = pytest.mark.django_db
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
LOGIN = "/accounts/login/"
NOW = datetime(2026, 11, 26, 10, 0, 5, tzinfo=UTC)


def code_at(moment: datetime) -> str:
    return format_hotp_value(hotp_value(SECRET, int(moment.timestamp()) // 30))


def password_login(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def test_passwords_are_hashed_with_argon2(users):
    assert identify_hasher(users["regie"].password).algorithm == "argon2"


def test_repeated_wrong_passwords_lock_the_account(users):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = password_login(client, users["beleid"].email, "fout-wachtwoord-123")
        assert not response.wsgi_request.user.is_authenticated
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().failures_since_start >= settings.AXES_FAILURE_LIMIT
    locked = password_login(Client(), users["beleid"].email)  # the right password, too late
    assert not locked.wsgi_request.user.is_authenticated
    assert locked.status_code in (200, 429)
    text = locked.content.decode()
    assert "tijdelijk geblokkeerd" in text or "Te veel inlogpogingen" in text
    # Another account is not affected.
    ok = password_login(Client(), users["beheer"].email)
    assert ok.status_code == 302


def test_lock_ignores_the_case_of_the_email_address(users):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_login(client, users["beleid"].email.upper(), "fout-wachtwoord-123")
    assert not password_login(Client(), users["beleid"].email).wsgi_request.user.is_authenticated


def test_personal_data_role_without_mfa_reaches_no_personal_data(users, covenant):
    from meldpunt.intake.services import signal_submit

    from .conftest import signal_data

    signal = signal_submit(
        partner=covenant["eigen-haard"], submitted_by=users["eigen-haard"], raw=signal_data()
    )
    client = Client()
    assert password_login(client, users["regie"].email).status_code == 302
    for url in [
        reverse("home"),
        reverse("intake:triage"),
        reverse("cases:case-list"),
        reverse("cases:case-detail", args=[signal.case.public_id]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp")
    api = client.get("/api/v1/organisaties")
    assert api.status_code == 403 and api["Content-Type"] == "application/problem+json"


def test_role_without_personal_data_does_not_need_mfa(users):
    # Functioneel beheer sees no personal data. (Beleid did not either, but it downloads the DDAS
    # delivery with postcodes and birth dates, so it signs in with a second factor now.)
    client = Client()
    password_login(client, users["beheer"].email)
    assert client.get(reverse("home")).status_code == 200


def test_totp_login_works_and_a_used_code_cannot_be_used_again(users):
    user = users["regie"]
    TOTP.activate(user, SECRET)
    with time_machine.travel(NOW, tick=False):
        code = code_at(NOW)
        client = Client()
        response = password_login(client, user.email)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
        assert client.get(reverse("cases:case-list")).status_code == 302  # not signed in yet
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 302
        assert client.get(reverse("cases:case-list")).status_code == 200
        client.post(reverse("account_logout"))

        again = Client()
        password_login(again, user.email)
        response = again.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 200  # the form again, with an error
        assert again.get(reverse("cases:case-list")).status_code == 302

    with time_machine.travel(NOW.replace(second=35), tick=False):
        fresh = Client()
        password_login(fresh, user.email)
        fresh.post(reverse("mfa_authenticate"), {"code": code_at(NOW.replace(second=35))})
        assert fresh.get(reverse("cases:case-list")).status_code == 200


def test_wrong_totp_code_is_refused(users):
    TOTP.activate(users["regie"], SECRET)
    with time_machine.travel(NOW, tick=False):
        client = Client()
        password_login(client, users["regie"].email)
        wrong = "000000" if code_at(NOW) != "000000" else "111111"
        client.post(reverse("mfa_authenticate"), {"code": wrong})
        assert client.get(reverse("cases:case-list")).status_code == 302


def test_session_id_is_rotated_on_login(users):
    client = Client()
    session = client.session
    session["probe"] = 1
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key
    password_login(client, users["beleid"].email)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before


def test_sessions_expire_when_idle_and_cookies_are_not_scriptable():
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def _expires(client: Client) -> datetime:
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Session.objects.get(session_key=key).expire_date


def test_the_idle_timeout_is_renewed_at_most_once_a_minute(users):
    """Not a database write per request (ADR 0124), but never a session that outlives its
    quarter of an hour after the last request."""
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(NOW, tick=False) as traveller:
        client = mfa_client(users["regie"])
        assert client.get(reverse("cases:case-list")).status_code == 200
        assert _expires(client) == NOW + age
        traveller.shift(settings.SESSION_RENEW_SECONDS - 1)
        client.get(reverse("cases:case-list"))
        assert _expires(client) == NOW + age  # not written again
        traveller.shift(1)
        client.get(reverse("cases:case-list"))
        renewed = NOW + timedelta(seconds=settings.SESSION_RENEW_SECONDS)
        assert _expires(client) == renewed + age


def test_a_session_in_use_stays_and_an_idle_one_ends(users):
    with time_machine.travel(NOW, tick=False) as traveller:
        client = mfa_client(users["regie"])
        # A request every 50 seconds for longer than the timeout keeps the caseworker signed in.
        for _ in range(settings.SESSION_COOKIE_AGE // 50 + 2):
            assert client.get(reverse("cases:case-list")).status_code == 200
            traveller.shift(50)
        # Then a quarter of an hour without a request: signed out.
        traveller.shift(settings.SESSION_COOKIE_AGE - 50)
        response = client.get(reverse("cases:case-list"))
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_production_cookies_are_secure():
    from meldpunt.conf import production

    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SESSION_COOKIE_NAME.startswith("__Host-")
    assert production.SECURE_HSTS_SECONDS >= 31_536_000


def test_nobody_can_sign_up(client, covenant):
    from meldpunt.accounts.models import User

    client.post(
        "/accounts/signup/",
        {"email": "nieuw@example.org", "password1": "Een-heel-lang-wachtwoord-9"},
    )
    assert not User.objects.filter(email="nieuw@example.org").exists()
