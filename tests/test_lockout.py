"""Login lockout per address+account and per account, so nobody can lock out others (#13).

Before: failed logins for unknown accounts locked a valid user out at the same address
(allauth's 10 failures/min per address), and 5 failures for an account locked it everywhere.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
X, Y, Z = "198.51.100.10", "198.51.100.20", "198.51.100.30"
WRONG = "een-fout-wachtwoord-123"


def _login(address: str, email: str, password: str = PASSWORD):
    return Client(REMOTE_ADDR=address).post(LOGIN, {"login": email, "password": password})


def _signed_in(response) -> bool:
    return response.wsgi_request.user.is_authenticated


def _locked(response) -> bool:
    return "tijdelijk geblokkeerd" in response.content.decode()


def test_failures_for_unknown_accounts_do_not_lock_out_a_valid_user_at_that_address(users):
    for number in range(25):
        assert not _signed_in(_login(X, f"bestaat-niet-{number}@voorbeeld.nl", WRONG))
    response = _login(X, users["beleid"].email)
    assert response.status_code == 302 and _signed_in(response)


def test_failures_for_a_user_at_one_address_do_not_lock_the_user_out_elsewhere(users):
    email = users["beleid"].email
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        _login(X, email, WRONG)
    at_x = _login(X, email)  # the right password, from the address that failed
    assert not _signed_in(at_x) and _locked(at_x)
    at_y = _login(Y, email)
    assert at_y.status_code == 302 and _signed_in(at_y)
    # Signing in at Y does not lift the lock at X.
    assert not _signed_in(_login(X, email))


def test_the_lock_at_one_address_is_per_account(users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(X, users["beleid"].email, WRONG)
    assert _signed_in(_login(X, users["beheer"].email))


def test_a_locked_pair_counts_no_further_failures(users):
    for _ in range(30):
        _login(X, users["beleid"].email, WRONG)
    attempts = AccessAttempt.objects.filter(username=users["beleid"].email)
    assert sum(a.failures_since_start for a in attempts) == settings.AXES_FAILURE_LIMIT


@override_settings(MELDPUNT_LOGIN_ACCOUNT_FAILURE_LIMIT=12)
def test_many_failures_from_many_addresses_lock_the_account_everywhere(users):
    email = users["beleid"].email
    # One address alone cannot reach the account limit ...
    for _ in range(20):
        _login(X, email, WRONG)
    assert _signed_in(_login(Z, email))
    # ... (the success at Z reset only Z's count) but several addresses together can.
    for address in (Y, "198.51.100.40"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _login(address, email, WRONG)
    everywhere = _login("198.51.100.50", email)
    assert not _signed_in(everywhere) and _locked(everywhere)
    # Other accounts are not affected.
    assert _signed_in(_login("198.51.100.50", users["beheer"].email))


def test_the_account_limit_is_far_above_the_address_limit():
    assert settings.MELDPUNT_LOGIN_ACCOUNT_FAILURE_LIMIT >= 5 * settings.AXES_FAILURE_LIMIT
