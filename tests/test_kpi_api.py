"""GET /api/v1/kerncijfers (issue #13, scope reports): the dashboard's figures over the API.

The hand-checked March of tests/test_kpis.py: the API's numbers are the dashboard's and its
downloads', cell for cell, suppressed where they are; each key sees its own organisation's
figures only; a bad period is a 400 problem naming the parameter; figures are aggregates, so
(as on the dashboard) no processing-log record.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from meldpunt.accounts import scopes
from meldpunt.accounts.services import api_token_create
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.reporting.kpis import dashboard

from . import test_kpis

# The hand-checked March and its unsuppressed setting (fixtures of tests/test_kpis.py).
march, k1, MARCH = test_kpis.march, test_kpis.k1, test_kpis.MARCH

pytestmark = pytest.mark.django_db

URL = "/api/v1/kerncijfers"
PERIOD = {"periodeStart": "2026-03-01", "periodeEinde": "2026-03-31"}


def key_client(organisation, token_scopes=(scopes.REPORTS,)) -> Client:
    _token, key = api_token_create(
        organisation=organisation, name="cijfers", scopes=list(token_scopes)
    )
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def records(table: dict) -> list[list]:
    """An API table as the dashboard's download writes it (tests/test_kpis.py)."""
    header = [table["rijLabel"], *(c["label"] for c in table["kolommen"]), table["totaalLabel"]]
    body = [[r["label"], *r["waarden"], r["totaal"]] for r in table["rijen"]]
    if table["rijLabel"]:
        body.append(["totaal", *table["kolomTotalen"], table["totaal"]])
    return [header, *body]


def as_in_download(value):
    return "afgeschermd" if value is None else (None if value == "" else value)


def workbook(client: Client, params: dict) -> dict[str, list[list]]:
    response = client.get(reverse("reporting:table-download", args=["alle", "xlsx"]), params)
    assert response.status_code == 200
    sheets = load_workbook(io.BytesIO(response.content), read_only=True)
    return {name: [list(row) for row in sheets[name].values][2:] for name in sheets.sheetnames}


@pytest.mark.parametrize("breakdown", ["", "signaalpartner"])
@pytest.mark.parametrize("k", [1, 10])
def test_the_numbers_are_the_dashboards_for_the_same_period(
    march, covenant, users, clients, settings, breakdown, k
):
    settings.MELDPUNT_SUPPRESSION_K = k
    params = PERIOD | ({"uitsplitsing": breakdown} if breakdown else {})
    response = key_client(covenant["gemeente-amsterdam"]).get(URL, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json" and response["API-Version"]
    body = response.json()
    assert body["periodeStart"] == "2026-03-01" and body["periodeEinde"] == "2026-03-31"
    assert body["drempel"] == k and body["uitsplitsing"] == (breakdown or None)
    # Every table, row and cell as beleid downloads it signed in (the same period).
    on_screen = {"start": "2026-03", "end": "2026-03"}
    if breakdown:
        on_screen["breakdown"] = "partner"
    sheets = workbook(clients["beleid"], on_screen)
    assert [t["code"] for t in body["tabellen"]] == list(sheets)
    for table in body["tabellen"]:
        expected = [[as_in_download(v) for v in row] for row in records(table)]
        assert sheets[table["code"]] == expected, table["code"]
    # The headline figures are the dashboard's.
    result = dashboard(users["beleid"], start=MARCH[0], end=MARCH[1],
                       breakdown="partner" if breakdown else "")  # fmt: skip
    headline = body["kerncijfers"]
    assert headline["signalenOntvangen"] == result.headline["signals_received"]
    assert headline["percentageBereikt"] == result.headline["reached_share"]
    assert len(headline) == len(result.headline)
    if k == 1:
        assert headline["signalenOntvangen"] == 6 and headline["percentageBereikt"] == 50.0
        assert headline["dagenTotEersteContactpogingMediaan"] == 1
    if breakdown:
        signals = next(t for t in body["tabellen"] if t["code"] == "signalen")
        assert [r["code"] for r in signals["rijen"]] == ["eigen-haard", "ymere"]
        assert {c["code"] for c in signals["kolommen"]} >= {"Opgepakt"}


def test_suppressed_cells_stay_suppressed(march, covenant, settings):
    settings.MELDPUNT_SUPPRESSION_K = 10
    body = key_client(covenant["gemeente-amsterdam"]).get(URL, PERIOD).json()
    values = [body["kerncijfers"]["signalenOntvangen"]]
    for table in body["tabellen"]:
        values += [v for row in table["rijen"] for v in [*row["waarden"], row["totaal"]]]
        values += [*table["kolomTotalen"], table["totaal"]]
    assert None in values  # six signals in March: below 10
    assert all(v is None or v == 0 or v >= 10 for v in values)
    assert body["kerncijfers"]["percentageBereikt"] is None


def test_a_partners_key_gets_only_its_own_figures(march, covenant, k1):
    ymere = key_client(covenant["ymere"])
    body = ymere.get(URL, PERIOD).json()
    assert body["kerncijfers"]["signalenOntvangen"] == 1
    assert "geregeldeBetalingGestart" not in body["kerncijfers"]  # the municipality's track
    reach = next(t for t in body["tabellen"] if t["code"] == "bereik")
    assert reach["rijen"][0]["waarden"] == [0, 0, 1]
    assert b"Eigen Haard" not in ymere.get(URL, PERIOD | {"uitsplitsing": "maand"}).content
    assert (
        key_client(covenant["eigen-haard"])
        .get(URL, PERIOD)
        .json()["kerncijfers"]["signalenOntvangen"]
        == 5
    )
    # Another municipality's partner sees nothing of Amsterdam.
    diemen = key_client(covenant["woonstichting-diemen-demo"]).get(URL, PERIOD).json()
    assert diemen["kerncijfers"]["signalenOntvangen"] == 0
    # A partner never breaks down by partner, provider or municipality: a clear 400.
    for breakdown in ("signaalpartner", "uitvoerder", "soort-signaalpartner"):
        response = ymere.get(URL, PERIOD | {"uitsplitsing": breakdown})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["invalidParams"][0]["name"] == "uitsplitsing"


def test_a_providers_key_gets_the_cases_assigned_to_it(march, covenant, k1):
    centram = key_client(covenant["centram"]).get(URL, PERIOD).json()
    reach = next(t for t in centram["tabellen"] if t["code"] == "bereik")
    assert reach["totaal"] == 6
    assert "deurwaarderZonderVerklaring" not in centram["kerncijfers"]
    doras = key_client(covenant["doras"]).get(URL, PERIOD).json()
    assert next(t for t in doras["tabellen"] if t["code"] == "bereik")["totaal"] == 0
    assert (
        key_client(covenant["centram"])
        .get(URL, PERIOD | {"uitsplitsing": "uitvoerder"})
        .status_code
        == 400
    )


@pytest.mark.parametrize(
    ("params", "name", "reason"),
    [
        ({"periodeStart": "2026-13-01"}, "periodeStart", "JJJJ-MM-DD"),
        ({"periodeEinde": "morgen"}, "periodeEinde", "JJJJ-MM-DD"),
        ({"periodeStart": "2026-03-02", "periodeEinde": "2026-03-31"}, "periodeStart",
         "2026-03-01"),
        ({"periodeStart": "2026-03-01", "periodeEinde": "2026-03-30"}, "periodeEinde",
         "2026-03-31"),
        ({"periodeStart": "2026-05-01", "periodeEinde": "2026-03-31"}, "periodeStart",
         "na de laatste"),
        ({"periodeStart": "2020-01-01", "periodeEinde": "2025-12-31"}, "periodeEinde",
         "60 maanden"),
        ({"periodeEinde": "9999-12-31"}, "periodeEinde", "tot en met"),
        ({"uitsplitsing": "partner"}, "uitsplitsing", "Kies een uitsplitsing"),
    ],
)  # fmt: skip
def test_a_bad_period_is_a_clear_problem(covenant, params, name, reason):
    response = key_client(covenant["gemeente-amsterdam"]).get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    invalid = response.json()["invalidParams"]
    assert invalid[0]["name"] == name and reason in invalid[0]["reason"], invalid


def test_who_may_read_the_figures(covenant, clients, users):
    logged = ProcessingLogEntry.objects.count()
    # The default period: this year up to the end of this month.
    assert key_client(covenant["gemeente-amsterdam"]).get(URL).status_code == 200
    # Without the scope: 403, whatever else the key may do.
    for slug, other in (("gemeente-amsterdam", scopes.EXPORT), ("eigen-haard", scopes.SUBMIT),
                        ("centram", scopes.CASEWORK)):  # fmt: skip
        assert key_client(covenant[slug], [other]).get(URL).status_code == 403
    # Signed in: the roles that see the dashboard, and no others (tests/test_kpis.py).
    assert clients["beleid"].get(URL).status_code == 200
    assert clients["eigen-haard"].get(URL).status_code == 200
    for role in ("regie", "privacy", "beheer"):
        assert clients[role].get(URL).status_code == 403, role
    anonymous = Client().get(URL)
    assert anonymous.status_code == 401 and anonymous["Content-Type"] == "application/problem+json"
    # Aggregates without personal data: not in the processing log, as the dashboard.
    assert ProcessingLogEntry.objects.count() == logged


def test_every_kind_of_organisation_may_have_the_scope(covenant):
    for slug in ("gemeente-amsterdam", "eigen-haard", "centram", "energie-voorbeeld-demo"):
        token, _key = api_token_create(
            organisation=covenant[slug], name="cijfers", scopes=[scopes.REPORTS]
        )
        assert token.scopes == [scopes.REPORTS]


def test_the_integrators_doc_lists_every_operation():
    root = Path(__file__).resolve().parents[1]
    document = yaml.safe_load((root / "openapi.yaml").read_text(encoding="utf-8"))
    doc = (root / "docs" / "api.md").read_text(encoding="utf-8")
    operations = [f"`{method.upper()} {path}`" for path, item in document["paths"].items()
                  for method in item if method in ("get", "post", "put", "patch", "delete")]  # fmt: skip
    assert [o for o in operations if o not in doc] == []
    listed = doc.split("## Operaties", 1)[1].split("\n## ", 1)[0]
    assert listed.count("\n| `") == len(operations)
