"""Demo data that shows the product (issue #12): after `meldpunt seed-demo` every demo role finds
work on its first screen; cases in every state; running it again adds nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.urls import reverse

from meldpunt.cases.models import Case, CaseLetter, ContactAttempt, HomeVisit, Signal, Track
from meldpunt.cases.vocabulary import AUTOMATIC_NOT_TAKEN_UP
from meldpunt.cases.workflow import CaseStatus
from meldpunt.core.home import panels_for
from meldpunt.intake.models import ImportRowResult, SignalImport
from meldpunt.safeguards.models import TenancyOutcome

from .conftest import mfa_client

pytestmark = pytest.mark.django_db

# Per demo user: (panel key, entry label) whose count must not be zero.
EXPECTED = {
    "eigen-haard@demo.meldpunt.nl": [
        ("partner-signals", "Signalen nog niet opgepakt"),
        ("partner-signals", "Geweigerde regels in aanleveringen van de afgelopen 30 dagen"),
    ],
    "regie@demo.meldpunt.nl": [
        ("triage", "Zaken wachten op triage"),
        ("triage", "Crisissignalen wachten op triage"),
        ("triage", "Automatische beslissingen om te beoordelen"),
    ],
    "centram@demo.meldpunt.nl": [
        ("my-cases", "Mijn lopende zaken"),
        ("my-cases", "Nog door niemand opgepakt"),
        ("my-cases", "Huisbezoeken vandaag"),
    ],
    "teamleider.centram@demo.meldpunt.nl": [("team", "Zaken die nog niemand heeft")],
    "inkomen@demo.meldpunt.nl": [("income-cases", "Op te pakken")],
    "beheer.eigen-haard@demo.meldpunt.nl": [
        ("api-clients", "Werkende API-koppelingen"),
        ("api-clients", "Verlopen binnen 30 dagen: maak op tijd een nieuwe sleutel"),
    ],
    "privacy@demo.meldpunt.nl": [(None, "Records in het verwerkingslog")],
}


@pytest.fixture(scope="module")
def demo_database(django_db_setup, django_db_blocker) -> Iterator[None]:
    """seed-demo once for this module's tests (10-20 s on PostgreSQL), inside a transaction
    around them: each test's own changes go with its savepoint, as in any test, and the demo data
    goes at the end of the module. The tests only read it (a second seed-demo adds nothing)."""
    with django_db_blocker.unblock():
        around = transaction.atomic()
        around._from_testcase = True  # as Django's TestCase.setUpClass opens its transaction
        around.__enter__()
        with override_settings(DEMO_MODE=True):
            call_command("seed-demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        around.__exit__(None, None, None)


@pytest.fixture
def seeded(demo_database, db, settings):
    settings.DEMO_MODE = True


def _counts(user) -> dict[tuple[str, str], int | None]:
    request = RequestFactory().get("/")
    request.user = user
    return {
        (panel.key, entry.label): entry.count
        for panel in panels_for(request)
        for entry in panel.entries
    }


def test_every_demo_role_has_work_on_its_home_screen(seeded):
    users = get_user_model().objects.filter(email__endswith="@demo.meldpunt.nl")
    roles_seen = set()
    for user in users:
        counts = _counts(user)
        assert counts, f"{user.email} has an empty home screen"
        roles_seen.update(g.name for g in user.groups.all())
        for key, label in EXPECTED.get(user.email, []):
            found = [n for (k, lab), n in counts.items() if lab == label and key in (None, k)]
            assert found and found[0], f"{user.email}: {label} is {found}"
    assert len(roles_seen) >= 9, roles_seen
    # the screens themselves show those numbers
    page = mfa_client(users.get(email="regie@demo.meldpunt.nl")).get(reverse("home"))
    page = page.content.decode()
    assert "Zaken wachten op triage" in page


def test_the_demo_has_cases_in_every_state(seeded):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {CaseStatus.RECEIVED, CaseStatus.ASSIGNED, CaseStatus.CLOSED} <= statuses
    assert statuses & {CaseStatus.PICKED_UP, CaseStatus.IN_CONTACT}
    assert 250 <= Case.objects.count() <= 600, "a few hundred cases"
    assert Case.objects.filter(crisis=True, status=CaseStatus.RECEIVED).exists()
    assert Case.objects.exclude(queue="").exists(), "the assessment frame put cases in queues"
    assert Case.objects.filter(track=Track.GEREGELDE_BETALING).exclude(status=CaseStatus.CLOSED)
    assert Signal.objects.filter(status__in=AUTOMATIC_NOT_TAKEN_UP).exists()
    assert ContactAttempt.objects.exists() and HomeVisit.objects.exists()
    assert CaseLetter.objects.exists(), "letters produced"
    assert TenancyOutcome.objects.exists(), "outcomes registered"
    upload = SignalImport.objects.get(file_name__startswith="demo-aanlevering")
    assert upload.refused == 2
    assert ImportRowResult.objects.filter(batch=upload, status="refused").exclude(reference="")


def test_seed_demo_twice_adds_nothing(seeded, settings):
    def sizes():
        return [m.objects.count() for m in (Signal, Case, CaseLetter, ContactAttempt, HomeVisit,
                                             SignalImport, get_user_model())]  # fmt: skip

    before = sizes()
    out = io.StringIO()
    call_command("seed-demo", stdout=out)
    assert sizes() == before
    assert "(0 nieuwe signalen)" in out.getvalue()


def test_messages_of_signing_in_and_out_address_the_user_as_u(db):
    from django.template.loader import render_to_string

    user = get_user_model()(email="a@example.org", first_name="Anouk", last_name="de Wit")
    message = render_to_string("account/messages/logged_in.txt", {"user": user}).strip()
    assert message.startswith("U bent aangemeld als "), message
    assert render_to_string("account/messages/logged_out.txt").strip() == "U bent afgemeld."
    for name in ("password_set", "password_changed"):
        assert render_to_string(f"account/messages/{name}.txt").strip().startswith("Uw wachtwoord")


def test_the_demo_team_lead_distributes_among_named_caseworkers(seeded):
    lead = get_user_model().objects.get(email="teamleider.centram@demo.meldpunt.nl")
    labels = [label for (key, label) in _counts(lead) if key == "team"]
    assert len(labels) >= 3 and not any("@" in label for label in labels), labels
