"""Shared fixtures: the covenant's organisations, one user per role, MFA-complete sessions."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from django.core import serializers
from django.test import Client
from django.utils import timezone

from meldpunt.accounts.models import User
from meldpunt.accounts.services import user_create
from meldpunt.organisations.models import District, Municipality, Organisation, PostcodeRange
from meldpunt.organisations.services import covenant_seed
from tests.dbreset import SerializedRows, fast_database_reset  # noqa: F401

PASSWORD = "Een-lang-testwachtwoord-42"


# What covenant_seed() wrote into a database without organisations, serialized by the first test
# that asked for the covenant (the seed is deterministic: no timestamps, no random values).
_seeded_covenant: list[str] = []


def _covenant_tables_empty() -> bool:
    return not any(model.objects.exists() for model in (Municipality, Organisation, District))


@pytest.fixture
def covenant(db) -> dict[str, Organisation]:
    """The covenant's organisations, municipalities and districts, as covenant_seed() writes them.

    covenant_seed() costs about 270 queries (an update_or_create per organisation), in a third of
    the tests. The first test runs it and keeps what it wrote; a later test that starts without
    organisations, as they all do, gets the same rows with their ids by one INSERT per table.
    """
    if _seeded_covenant and _covenant_tables_empty():
        SerializedRows(_seeded_covenant[0]).insert()
    elif not _seeded_covenant and _covenant_tables_empty():
        covenant_seed()
        written = [
            *Municipality.objects.order_by("pk"),
            *Organisation.objects.order_by("pk"),
            *District.objects.order_by("pk"),
            *PostcodeRange.objects.order_by("pk"),
        ]
        _seeded_covenant.append(serializers.serialize("json", written))
    else:
        covenant_seed()
    return {o.slug: o for o in Organisation.objects.all()}


ROLE_USERS = {
    "regie": ("gemeente-amsterdam", "regie"),
    "beleid": ("gemeente-amsterdam", "beleid"),
    "beheer": ("gemeente-amsterdam", "functioneel-beheer"),
    "privacy": ("gemeente-amsterdam", "privacy-officer"),
    "eigen-haard": ("eigen-haard", "signaleerder"),
    "ymere": ("ymere", "signaleerder"),
    "centram": ("centram", "hulpverlener"),
    "centram-teamleider": ("centram", "teamleider"),
    "doras": ("doras", "hulpverlener"),
    # Signal partners of other kinds, for both municipalities.
    "energie": ("energie-voorbeeld-demo", "signaleerder"),
    "water": ("waterbedrijf-voorbeeld-demo", "signaleerder"),
    "zorg": ("zorgverzekeraar-voorbeeld-demo", "signaleerder"),
    # The second municipality sharing the meldpunt.
    "diemen-regie": ("gemeente-diemen", "regie"),
    "diemen-verhuurder": ("woonstichting-diemen-demo", "signaleerder"),
    "diemen-hulpverlener": ("buurtteam-diemen-demo", "hulpverlener"),
}


def role_users_create(covenant: Mapping[str, Organisation]) -> dict[str, Any]:
    return {
        key: user_create(
            email=f"{key}@test.example",
            organisation=covenant[slug],
            roles=[role],
            password=PASSWORD,
        )
        for key, (slug, role) in ROLE_USERS.items()
    }


# What the users fixture's user_create() calls wrote (the users and their groups), serialized by
# the first test that asked, with the ids of the organisations they belong to.
_seeded_users: dict[str, Any] = {}


@pytest.fixture
def users(covenant) -> dict[str, Any]:
    """One user per role, as user_create() makes them.

    The fifteen user_create() calls cost about 120 queries. The first test makes them and keeps
    what they wrote; a later test that starts without users, and with the covenant's ids of then
    (the covenant fixture inserts the same ids), gets the same rows by one INSERT per table.
    """
    organisation_ids = {slug: organisation.pk for slug, organisation in covenant.items()}
    no_users = not User.objects.exists()
    if no_users and _seeded_users.get("organisation_ids") == organisation_ids:
        SerializedRows(_seeded_users["rows"]).insert()
        by_email = {user.email: user for user in User.objects.all()}
        made = {key: by_email[f"{key}@test.example"] for key in ROLE_USERS}
        for key, (slug, _role) in ROLE_USERS.items():
            made[key].organisation = covenant[slug]  # as user_create() leaves it: no query
        return made
    made = role_users_create(covenant)
    if no_users and not _seeded_users:
        _seeded_users.update(
            organisation_ids=organisation_ids,
            rows=serializers.serialize("json", made.values()),
        )
    return made


def mfa_client(user) -> Client:
    """A client signed in as after password + TOTP (the real flow is tested in test_login)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": timezone.now().timestamp(), "email": user.email},
        {"method": "mfa", "at": timezone.now().timestamp(), "type": "totp"},
    ]
    session.save()
    return client


class SignedInClients(Mapping[str, Client]):
    """One signed-in client per role, signed in when the test first asks for it.

    A test uses one or two of the fifteen roles, and signing in costs about twenty queries
    (session, axes' access log, last_login); for all fifteen that was a third of a second per
    test on SQLite and a second on PostgreSQL. It behaves as the dict it replaces (keys, ``in``,
    ``items()``, ``dict(clients)``), and a client once made is the same object on every ask.
    """

    def __init__(self, users: Mapping[str, Any]) -> None:
        self._users = users
        self._clients: dict[str, Client] = {}

    def __getitem__(self, key: str) -> Client:
        if key not in self._clients:
            self._clients[key] = mfa_client(self._users[key])
        return self._clients[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._users)

    def __len__(self) -> int:
        return len(self._users)


@pytest.fixture
def clients(users) -> SignedInClients:
    return SignedInClients(users)


def signal_data(**overrides: Any) -> dict[str, Any]:
    """A valid signal in the intake format, as the web form would post it."""
    today = timezone.localdate()
    data = {
        "partner_referentie": "HC-000123",
        "voorletters": "Q.",
        "tussenvoegsel": "",
        "achternaam": "Testpersoon",
        "geboortedatum": "1980-05-17",
        "straat": "Damrak",
        "huisnummer": "12",
        "huisletter": "",
        "huisnummertoevoeging": "",
        "postcode": "1012 LG",
        "woonplaats": "Amsterdam",
        "telefoonnummer": "0612345678",
        "email": "q.testpersoon@example.org",
        "achterstand_bedrag": "1.234,56",
        "maandhuur": "750,00",
        "onbereikbaar_in_incasso": "on",
        "achterstand_sinds": (today - timedelta(days=70)).isoformat(),
        "signaaldatum": today.isoformat(),
        "poging_persoonlijk_contact": (today - timedelta(days=30)).isoformat(),
        "gewezen_op_schuldhulp": (today - timedelta(days=25)).isoformat(),
        "schriftelijke_herinnering": (today - timedelta(days=20)).isoformat(),
        "informatieplicht_voldaan": (today - timedelta(days=20)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def today() -> date:
    return timezone.localdate()


_RANDOM_TOKENS = re.compile(r'(?:name="csrfmiddlewaretoken" value|nonce)="[^"]*"')


def shows(html: str, value: str) -> bool:
    """Whether ``value`` appears in a page as a value of its own.

    Random parts of every page (UUIDs in links, CSRF tokens, CSP nonces) may happen to contain a
    short secret such as "750"; they are dropped and a match must not touch a letter or digit, so a
    leak test fails on a leak and not on chance.
    """
    text = _RANDOM_TOKENS.sub("", html)
    pattern = rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every transactional test restores the migrated database (serialized_rollback).

    A transactional test ends with a flush, after which post_migrate re-creates the roles and the
    instrument catalogue, but not what data migrations seeded (the default letter templates), and
    with new ids: a later test that restores the snapshot then collides on auth_group.name. With
    every transactional test restoring the same snapshot, each one starts where migrate left off.
    A test is transactional by its marker or by asking for ``transactional_db`` or
    ``live_server`` (directly or through a fixture of its own).
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        fixtures = getattr(item, "fixturenames", ())
        transactional = kwargs.get("transaction") or {"transactional_db", "live_server"} & set(
            fixtures
        )
        if transactional and "serialized_rollback" not in kwargs:
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


# The browser fixtures (one Chromium for the whole run, tabs signed in as a user), shared by the
# browser test modules; imported last because tests.browser signs in with mfa_client above.
from tests.browser import chromium, open_session  # noqa: E402, F401
