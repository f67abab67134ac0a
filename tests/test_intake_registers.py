"""The intake asks the real population register (Haal Centraal BRP) and survives its absence.

The BRP adapter is asked before the write transaction with what the signal says about the
person; a register that cannot be reached lets every signal wait for triage: nothing is lost,
nothing is routed automatically (issue #10).
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.test import override_settings

from meldpunt.cases.models import Signal
from meldpunt.cases.vocabulary import SignalStatus
from meldpunt.cases.workflow import CaseStatus
from meldpunt.intake.services import signal_submit
from meldpunt.registries import base
from meldpunt.registries.base import RegistryUnavailable

from .brp_fake import FakeBrp, LoopbackBrp, persoon, valid_bsns
from .conftest import signal_data
from .corpus.build import csv_text, row

pytestmark = pytest.mark.django_db

BSN = valid_bsns()
ALIVE, DEAD, AWAY, MARRIED = next(BSN), next(BSN), next(BSN), next(BSN)
PEOPLE = [
    persoon(ALIVE, "Levend", date(1970, 1, 1), postcode="1012LG", huisnummer=12),
    persoon(DEAD, "Overleden", date(1940, 2, 2), postcode="1012LG", huisnummer=14,
            overleden=date(2026, 6, 1)),
    persoon(AWAY, "Vertrokken", date(1980, 3, 3), gemeente=("0599", "Rotterdam"),
            postcode="3011AA"),
    persoon(MARRIED, "Vries", date(1990, 1, 2), voorvoegsel="de", postcode="1012LG",
            huisnummer=16, partners=(("", "Jansen"),)),
]  # fmt: skip


class DownRegistry:
    """A register that cannot be reached (timeouts, 5xx: what the BRP adapter raises)."""

    needs_people = True

    def lookup_people(self, queries):
        raise RegistryUnavailable("BRP niet bereikbaar (test)")

    def lookup_many(self, keys):  # pragma: no cover - never asked when needs_people
        raise AssertionError("the intake asked by key")


@pytest.fixture
def registry_setting():
    """Select a register for one test (the adapter is made once per process: forget it)."""

    def select(path: str, **settings):
        base.registry.cache_clear()
        override = override_settings(MELDPUNT_REGISTRY=path, **settings)
        override.enable()
        selected.append(override)

    selected: list = []
    yield select
    for override in selected:
        override.disable()
    base.registry.cache_clear()


@pytest.fixture
def brp(registry_setting):
    with LoopbackBrp(FakeBrp([dict(p) for p in PEOPLE])) as server:
        registry_setting(
            "meldpunt.registries.haalcentraal.HaalCentraalRegistry",
            MELDPUNT_BRP_URL=server.url,
            MELDPUNT_MUNICIPALITY_CODES=["0363", "0384"],
            MELDPUNT_BRP_TIMEOUT=1,
            MELDPUNT_BRP_RETRIES=0,
        )
        yield server
        base.registry().close()


def submit(covenant, **overrides) -> Signal:
    return signal_submit(
        partner=covenant["eigen-haard"], submitted_by=None, raw=signal_data(**overrides)
    )


def test_the_brp_decides_deceased_and_moved_out(covenant, brp):
    alive = submit(
        covenant, partner_referentie="A", achternaam="Levend", geboortedatum="1970-01-01"
    )
    dead = submit(covenant, partner_referentie="D", achternaam="Overleden",
                  geboortedatum="1940-02-02", huisnummer="14")  # fmt: skip
    away = submit(covenant, partner_referentie="W", achternaam="Vertrokken",
                  geboortedatum="1980-03-03", huisnummer="18")  # fmt: skip
    assert alive.status == SignalStatus.NOT_YET_PICKED_UP and alive.case is not None
    assert dead.status == SignalStatus.DECEASED and dead.case is None
    assert "register (BRP): overleden" in dead.decision
    assert away.status == SignalStatus.NOT_A_RESIDENT and away.case is None
    # The register was asked by name and birth date: data minimisation holds in the requests.
    assert {r["body"]["type"] for r in brp.fake.requests} >= {"ZoekMetGeslachtsnaamEnGeboortedatum"}


def test_a_married_name_the_brp_knows_is_the_same_person(covenant, brp):
    married = submit(covenant, partner_referentie="M-1", achternaam="Jansen",
                     geboortedatum="1990-01-02", huisnummer="16")  # fmt: skip
    maiden = signal_submit(
        partner=covenant["ymere"], submitted_by=None,
        raw=signal_data(partner_referentie="M-2", tussenvoegsel="de", achternaam="Vries",
                        geboortedatum="1990-01-02", huisnummer="16"),
    )  # fmt: skip
    assert married.person_id == maiden.person_id and married.case_id == maiden.case_id


def test_a_register_that_cannot_be_reached_loses_nothing(covenant, registry_setting, tmp_path):
    registry_setting("tests.test_intake_registers.DownRegistry")
    signal = submit(covenant)
    assert signal.status == SignalStatus.NOT_YET_PICKED_UP
    assert "register niet bereikbaar" in signal.decision
    case = signal.case
    assert case.status == CaseStatus.RECEIVED and case.provider is None  # regie triages
    assert "register niet bereikbaar" in case.routing_reason
    path = tmp_path / "drie.csv"
    path.write_text(csv_text([row(1), row(2), row(3)]), encoding="utf-8")
    out = io.StringIO()
    call_command("import-signalen", str(path), partner="eigen-haard", json=True, stdout=out)
    assert json.loads(out.getvalue())["accepted"] == 3
    assert Signal.objects.count() == 4
    assert not Signal.objects.filter(case__status=CaseStatus.ASSIGNED).exists()
