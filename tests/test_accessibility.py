"""Every page: landmarks, skip link, one h1, labelled inputs, table headers, CSP-safe markup (issue #2)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts.services import api_token_create, user_create
from meldpunt.intake.services import signal_submit
from meldpunt.webhooks.models import WebhookDelivery
from meldpunt.webhooks.services import webhook_subscribe

from .conftest import PASSWORD, mfa_client, signal_data
from .reference import DDAS_V12, reference_json

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.labels_for: set[str] = set()
        self.h1 = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "label" and a.get("for"):
            self.labels_for.add(a["for"])
        if tag == "h1":
            self.h1 += 1
        self._in_title = tag == "title"

    def handle_data(self, data):
        if self._in_title:
            self.title += data.strip()

    def handle_endtag(self, tag):
        self._in_title = False


def check_page(html: str) -> None:
    page = Page()
    page.feed(html)
    tags = page.tags
    html_tag = next(a for t, a in tags if t == "html")
    assert html_tag.get("lang") in ("nl", "en")
    assert page.title, "page has no title"
    assert page.h1 == 1, f"expected one h1, got {page.h1}"
    links = [a for t, a in tags if t == "a"]
    assert links and links[0].get("href") == "#inhoud", "skip link must come first"
    assert any(t == "main" and a.get("id") == "inhoud" for t, a in tags)
    for t, a in tags:
        if t == "nav":
            assert a.get("aria-label"), "every nav needs a name"
        if t in ("input", "select", "textarea") and a.get("type") not in (
            "hidden",
            "submit",
            "button",
        ):
            assert a.get("id") in page.labels_for or a.get("aria-label"), (
                f"unlabelled {t} {a.get('name')}"
            )
        if t == "th":
            assert a.get("scope") in ("col", "row"), "table headers need a scope"
        if t == "script" and a.get("type") != "application/json":  # data, never executed
            assert a.get("src"), "inline scripts are blocked by the CSP"
        assert "style" not in a, f"inline style on {t} is blocked by the CSP"
        assert not any(k.startswith("on") for k in a), f"inline handler on {t}"
    for t, a in tags:
        if t == "table":
            idx = tags.index((t, a))
            assert a.get("aria-labelledby") or any(
                x == "caption" for x, _ in tags[idx : idx + 3]
            ), "table needs a caption"


@pytest.fixture
def case(covenant, users):
    return signal_submit(
        partner=covenant["eigen-haard"], submitted_by=None, raw=signal_data(postcode="1043 AB")
    ).case


PAGES = [
    ("eigen-haard", "home", ()),
    ("eigen-haard", "intake:signal-create", ()),
    ("eigen-haard", "intake:signal-list", ()),
    ("eigen-haard", "intake:upload", ()),
    ("regie", "intake:triage", ()),
    ("regie", "cases:case-list", ()),
    ("regie", "cases:case-detail", ("case",)),
    ("centram", "cases:case-list", ()),
    ("beleid", "home", ()),
    ("beleid", "reporting:dashboard", ()),
    ("eigen-haard", "reporting:dashboard", ()),
    ("centram", "reporting:dashboard", ()),
    ("beleid", "reporting:cost-statement", ()),
    ("beleid", "reporting:ddas-export", ()),
    ("beheer", "reporting:cost-key", ()),
    ("beheer", "intake:configuration", ()),
    ("privacy", "dataprotection:access-request", ()),
    ("beheer", "dataprotection:retention", ()),
    ("beheerder-partner", "home", ()),
    ("beheerder-partner", "accounts:api-clients", ()),
    ("beheerder-partner", "webhooks:webhooks", ()),
]
# Roles without a user in conftest's ROLE_USERS: (organisation, role), made for the page.
EXTRA_ROLES = {"beheerder-partner": ("eigen-haard", "beheerder-partner")}


def client_for(role: str, clients, covenant, case) -> Client:
    if role in clients:
        return clients[role]
    slug, role_name = EXTRA_ROLES[role]
    user = user_create(email=f"{role}@test.example", organisation=covenant[slug],
                       roles=[role_name], password=PASSWORD)  # fmt: skip
    # The admin's pages with something in their tables: a key, its webhook and a message.
    token, _key = api_token_create(organisation=covenant[slug], name="huuradministratie")
    subscription, _secret = webhook_subscribe(token=token, url="https://ontvanger.voorbeeld.nl/h")
    WebhookDelivery.objects.create(subscription=subscription, signal=case.signals.first(),
                                   feedback={}, feedback_hash="-",
                                   next_attempt_at=timezone.now())  # fmt: skip
    return mfa_client(user)


@pytest.mark.parametrize("role, name, args", PAGES)
def test_page_structure(role, name, args, clients, covenant, case):
    url = reverse(name, args=[case.public_id] if args else [])
    response = client_for(role, clients, covenant, case).get(url)
    assert response.status_code == 200
    check_page(response.content.decode())


def test_form_with_errors_keeps_structure(clients):
    response = clients["eigen-haard"].post(reverse("intake:signal-create"), {})
    check_page(response.content.decode())


@pytest.mark.parametrize("url", ["/accounts/login/", "/bestaat-niet"])
def test_public_pages(url, covenant):
    response = Client().get(url)
    check_page(response.content.decode())


def test_ddas_vocabulary_is_used_exactly():
    """Signal statuses are the national DDAS strings (../shared/reference, beside the repo)."""
    from meldpunt.cases.vocabulary import SignalStatus

    defs = reference_json(DDAS_V12 / "json_schema_Uitwisselmodel.json")
    defs = defs.get("$defs") or defs["definitions"]
    assert sorted(SignalStatus.values) == sorted(defs["EnumSignaalstatus"]["enum"])
    assert sorted(SignalStatus.labels) == sorted(defs["EnumSignaalstatus"]["enum"])


def test_seed_demo_is_idempotent(settings, db):
    from django.core.management import call_command

    from meldpunt.accounts.models import User
    from meldpunt.cases.models import Signal

    settings.DEMO_MODE = True
    call_command("seed-demo", "--history-per-month=1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users, signals = User.objects.count(), Signal.objects.count()
    call_command("seed-demo", "--history-per-month=1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (User.objects.count(), Signal.objects.count()) == (users, signals)
    assert users >= 17 and signals >= 6
    from allauth.mfa.models import Authenticator

    # every person has TOTP; the service users of the demo's API clients sign in by key
    people = User.objects.filter(api_tokens=None).count()
    assert Authenticator.objects.filter(type="totp").count() == people


def test_seed_demo_refuses_outside_demo_mode(settings, db):
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import call_command

    settings.DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured):
        call_command("seed-demo")


def test_english_is_available(client, covenant):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page and "Log in" in page
    client.post("/i18n/setlang/", {"language": "nl", "next": "/accounts/login/"})
    assert "Aanmelden bij het Meldpunt" in client.get("/accounts/login/").content.decode()


def test_dutch_first_even_for_an_english_browser(client, covenant):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="nl">' in page and "Aanmelden bij het Meldpunt" in page


def test_own_stylesheet_is_served(client):
    from django.contrib.staticfiles import finders

    assert finders.find("meldpunt/meldpunt.css") and finders.find("meldpunt/meldpunt.js")


def test_demo_signals_become_cases_routed_to_their_district(settings, db):
    from django.core.management import call_command

    from meldpunt.cases.models import Case

    settings.DEMO_MODE = True
    call_command("seed-demo", "--history-per-month=1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Case.objects.filter(provider__slug="centram").exists()
    assert Case.objects.exclude(provider=None).count() >= 6


def test_the_signal_form_speaks_english_when_asked(clients):
    url = reverse("intake:signal-create")
    dutch = clients["eigen-haard"].get(url).content.decode()
    assert "Referentie verhuurder" in dutch and "Achterstand (bedrag)" in dutch
    clients["eigen-haard"].post("/i18n/setlang/", {"language": "en", "next": url})
    english = clients["eigen-haard"].get(url).content.decode()
    assert "Landlord reference" in english and "Arrears (amount)" in english
    assert "Referentie verhuurder" not in english


def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    """Every Dutch text the app marks for translation has an English one (``make messages``)."""
    import meldpunt

    po = Path(meldpunt.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries = po.read_text(encoding="utf-8").split("\n\n")[1:]
    assert "#, fuzzy" not in "\n".join(entries)
    empty = [
        e.split("\n")[-2:] for e in entries
        if re.search(r'^msgstr(\[\d\])? ""$', e, re.M) and not re.search(r'^msgstr(\[\d\])? ""\n"', e, re.M)
    ]  # fmt: skip
    assert not empty
