"""One client address for every rate limit and lockout; X-Forwarded-For only from a trusted
proxy (issue #13). Before, a fresh X-Forwarded-For reset the API's limit."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from meldpunt.accounts.adapters import AccountAdapter
from meldpunt.core.checks import check_trusted_proxies
from meldpunt.core.clientip import client_address

PROXY = "10.0.0.5"
TRUSTED = ["10.0.0.0/24", "2001:db8::/32"]


def _address(remote: str | None, forwarded: str | None = None, trusted=TRUSTED) -> str:
    meta = {"REMOTE_ADDR": remote} if remote is not None else {}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)
    if remote is None:
        del request.META["REMOTE_ADDR"]
    with override_settings(MELDPUNT_TRUSTED_PROXIES=trusted):
        return client_address(request)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.7", None, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # untrusted peer: header ignored
        (PROXY, None, PROXY),
        (PROXY, "198.51.100.1", "198.51.100.1"),
        (PROXY, "1.1.1.1, 198.51.100.1", "198.51.100.1"),  # the client's own entry is ignored
        (PROXY, "1.1.1.1, 198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two trusted proxies
        (PROXY, "10.0.0.8, 10.0.0.9", "10.0.0.8"),  # all trusted: the left-most
        (PROXY, "198.51.100.1:51234", "198.51.100.1"),
        (PROXY, "[2001:db9::1]:443", "2001:db9::1"),
        (PROXY, "onzin, 10.0.0.9", "10.0.0.9"),  # garbage: stop at the last trusted hop
        (PROXY, "", PROXY),
        ("::ffff:10.0.0.5", "198.51.100.1", "198.51.100.1"),  # IPv4-mapped peer
        ("2001:db8::1", "198.51.100.2", "198.51.100.2"),
        ("", "198.51.100.1", "onbekend"),
    ],
)
def test_client_address(remote, forwarded, expected):
    assert _address(remote, forwarded) == expected


def test_no_trusted_proxies_means_the_direct_peer():
    assert _address(PROXY, "198.51.100.1", trusted=[]) == PROXY


def test_a_unix_socket_peer_is_trusted_only_when_configured():
    assert _address(None, "198.51.100.1", trusted=["unix"]) == "198.51.100.1"
    assert _address(None, "198.51.100.1", trusted=[]) == "onbekend"


def test_a_bad_proxy_setting_is_a_system_check_error():
    with override_settings(MELDPUNT_TRUSTED_PROXIES=["10.0.0.0/33"]):
        assert [e.id for e in check_trusted_proxies()] == ["meldpunt.E001"]
    with override_settings(MELDPUNT_LEGACY_PROXY_COUNT="1"):
        assert [e.id for e in check_trusted_proxies()] == ["meldpunt.W004"]
    assert check_trusted_proxies() == []


def test_axes_gets_no_address_rather_than_a_placeholder():
    from meldpunt.core.clientip import axes_client_address

    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert axes_client_address(request) is None
    request.META["REMOTE_ADDR"] = "203.0.113.7"
    assert axes_client_address(request) == "203.0.113.7"


def test_allauth_uses_the_same_address():
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.3")
    with override_settings(MELDPUNT_TRUSTED_PROXIES=TRUSTED):
        assert AccountAdapter().get_client_ip(request) == "198.51.100.3"


def _rates(**rates: str):
    current = settings.REST_FRAMEWORK
    merged = {**current["DEFAULT_THROTTLE_RATES"], **rates}
    return override_settings(REST_FRAMEWORK={**current, "DEFAULT_THROTTLE_RATES": merged})


def _get(url: str, remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return Client(REMOTE_ADDR=remote).get(url, **extra)


API = "/api/v1/bestaat-niet"  # open to anyone (a 404), so anonymous calls are throttled


@pytest.mark.django_db
def test_a_fresh_forwarded_for_from_an_untrusted_peer_does_not_reset_the_api_limit():
    with _rates(anon="3/min"), override_settings(MELDPUNT_TRUSTED_PROXIES=TRUSTED):
        codes = [_get(API, "203.0.113.7", f"198.51.100.{i}").status_code for i in range(5)]
    assert codes == [404, 404, 404, 429, 429]


@pytest.mark.django_db
def test_a_trusted_proxy_is_honoured_per_client():
    with _rates(anon="3/min"), override_settings(MELDPUNT_TRUSTED_PROXIES=TRUSTED):
        one = [_get(API, PROXY, "198.51.100.1").status_code for _ in range(4)]
        other = _get(API, PROXY, "198.51.100.2").status_code
        # the client behind the proxy prepends a made-up address: still counted as itself
        spoofed = _get(API, PROXY, "1.2.3.4, 198.51.100.1").status_code
    assert one == [404, 404, 404, 429]
    assert other == 404
    assert spoofed == 429


VERIFY = "/verificatie/ONBEKENDECODE"


@pytest.mark.django_db
def test_the_verification_page_is_rate_limited_with_a_dutch_page():
    with _rates(verification="2/min"), override_settings(MELDPUNT_TRUSTED_PROXIES=TRUSTED):
        codes = [_get(VERIFY, "203.0.113.7", f"198.51.100.{i}").status_code for i in range(3)]
        limited = _get(VERIFY, "203.0.113.7")
        elsewhere = _get(VERIFY, "203.0.113.8").status_code
        form = _get("/verificatie/", "203.0.113.7").status_code  # the empty form is not counted
    assert codes == [404, 404, 429]
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    text = limited.content.decode()
    assert "Te veel verzoeken" in text and "seconden opnieuw" in text
    assert elsewhere == 404
    assert form == 200


@pytest.mark.django_db
def test_the_verification_page_honours_a_trusted_proxy():
    with _rates(verification="2/min"), override_settings(MELDPUNT_TRUSTED_PROXIES=TRUSTED):
        first = [_get(VERIFY, PROXY, "198.51.100.1").status_code for _ in range(3)]
        second = _get(VERIFY, PROXY, "198.51.100.2").status_code
    assert first == [404, 404, 429]
    assert second == 404


@pytest.mark.django_db
def test_the_web_page_and_the_api_share_one_count():
    with _rates(verification="2/min"):
        assert _get(VERIFY, "203.0.113.9").status_code == 404
        assert _get("/api/v1/verificaties/ONBEKENDECODE", "203.0.113.9").status_code == 404
        api = _get("/api/v1/verificaties/ONBEKENDECODE", "203.0.113.9")
        web = _get(VERIFY, "203.0.113.9")
    assert api.status_code == 429 and api["Content-Type"] == "application/problem+json"
    assert web.status_code == 429


@pytest.mark.django_db
def test_axes_records_the_client_address(users):
    from axes.models import AccessAttempt

    with override_settings(MELDPUNT_TRUSTED_PROXIES=TRUSTED):
        Client(REMOTE_ADDR=PROXY).post(
            "/accounts/login/",
            {"login": users["beleid"].email, "password": "fout-wachtwoord-123"},
            HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.4",
        )
        Client(REMOTE_ADDR="203.0.113.7").post(
            "/accounts/login/",
            {"login": users["beleid"].email, "password": "fout-wachtwoord-123"},
            HTTP_X_FORWARDED_FOR="198.51.100.5",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "198.51.100.4",
        "203.0.113.7",
    }


@pytest.mark.django_db
def test_the_limit_page_is_in_english_for_who_chose_english():
    client = Client(REMOTE_ADDR="203.0.113.11")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with _rates(verification="1/min"):
        client.get(VERIFY)
        limited = client.get(VERIFY)
    assert limited.status_code == 429
    assert "Too many requests" in limited.content.decode()
