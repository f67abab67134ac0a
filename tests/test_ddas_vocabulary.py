"""DDAS v1.2 vocabularies match the schema exactly, and every stored value maps onto v1.2."""

from __future__ import annotations

import pytest

from meldpunt.cases.vocabulary import END_RESULTS, ContactKind, PartOfDay, SignalStatus
from meldpunt.cases.workflow import CaseStatus
from meldpunt.reporting.ddas import mapping
from meldpunt.reporting.ddas.vocabulary import (
    SCHEMA_DEFS,
    EnumContactsoort,
    EnumEindresultaat,
    EnumSignaalpartner,
    EnumSignaalstatus,
)

from .reference import DDAS_V12, _json, ddas_v12_defs

OUR_VALUES = [(name, member.value) for name, enum in SCHEMA_DEFS.items() for member in enum]
# The schema is read at collection time only to name the cases; a missing folder fails in
# test_schema_is_present (never a silent pass).
try:
    _DEFS = _json(DDAS_V12 / "json_schema_Uitwisselmodel.json")["$defs"]
    SCHEMA_VALUES = [(name, v) for name in SCHEMA_DEFS for v in _DEFS[name]["enum"]]
except FileNotFoundError:
    SCHEMA_VALUES = []


def test_schema_is_present():
    assert set(SCHEMA_DEFS) <= set(ddas_v12_defs())
    assert SCHEMA_VALUES, "the v1.2 schema could not be read when the tests were collected"


@pytest.mark.parametrize(("definition", "value"), OUR_VALUES)
def test_our_value_is_in_the_schema(definition, value):
    assert value in ddas_v12_defs()[definition]["enum"]


@pytest.mark.parametrize(("definition", "value"), SCHEMA_VALUES)
def test_schema_value_is_ours(definition, value):
    assert value in {m.value for m in SCHEMA_DEFS[definition]}


@pytest.mark.parametrize("definition", sorted(SCHEMA_DEFS))
def test_same_values_in_schema_order(definition):
    assert [m.value for m in SCHEMA_DEFS[definition]] == ddas_v12_defs()[definition]["enum"]


def test_the_values_the_issue_names():
    assert len(EnumEindresultaat) == 16
    assert "Verwijzing zonder tussenkomst inwoner" in set(EnumEindresultaat)
    assert {"Afspraak op locatie", "Onbekend"} <= set(EnumContactsoort)
    assert "Opgepakt" in set(EnumSignaalstatus)
    assert len(EnumSignaalpartner) == 11


# --- mapping: one test per value stored today -------------------------------------------------


@pytest.mark.parametrize("stored", sorted(END_RESULTS))
def test_stored_end_result_maps(stored):
    assert isinstance(mapping.end_result(stored), EnumEindresultaat)


@pytest.mark.parametrize("stored", ContactKind.values)
def test_stored_contact_kind_maps(stored):
    assert mapping.contact_kind(stored).value == stored  # the same string in v1.2


@pytest.mark.parametrize("stored", PartOfDay.values)
def test_stored_part_of_day_maps(stored):
    assert mapping.part_of_day(stored).value == stored


@pytest.mark.parametrize("stored", SignalStatus.values)
def test_stored_signal_status_maps(stored):
    assert mapping.signal_status_for(stored_status=stored, case_status=None).value == stored


@pytest.mark.parametrize("status", CaseStatus.values)
def test_every_case_status_is_in_the_table(status):
    assert status in mapping.CASE_STATUS_TAKEN_UP


@pytest.mark.parametrize(
    ("stored", "v12"),
    [
        (
            "Inwoner hoeft geen hulp vanuit vroegsignalering",
            "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering",
        ),
        ("Verwijzing zonder contact", "Verwijzing zonder tussenkomst inwoner"),
    ],
)
def test_renamed_end_results(stored, v12):
    assert mapping.end_result(stored) == v12


def test_every_stored_value_is_v12_and_every_v12_value_can_be_stored():
    """Since cases.0016 the stored vocabularies are exactly v1.2's."""
    assert set(END_RESULTS) == set(EnumEindresultaat)
    assert set(ContactKind.values) == set(EnumContactsoort)
    assert set(SignalStatus.values) == set(EnumSignaalstatus)


@pytest.mark.parametrize("enum", [EnumEindresultaat, EnumContactsoort, EnumSignaalstatus])
def test_v12_values_map_to_themselves(enum):
    table = {
        EnumEindresultaat: mapping.END_RESULT,
        EnumContactsoort: mapping.CONTACT_KIND,
        EnumSignaalstatus: mapping.SIGNAL_STATUS,
    }[enum]
    assert all(table[m.value] is m for m in enum)


def test_landlord_is_huur():
    assert mapping.partner_type("partner") is EnumSignaalpartner.HUUR


@pytest.mark.parametrize(
    ("case_status", "end_result", "picked_up", "expected"),
    [
        ("ontvangen", "", False, "Nog niet opgepakt"),
        ("toegewezen", "", False, "Nog niet opgepakt"),
        ("opgepakt", "", True, "Opgepakt"),
        ("in-contact", "", True, "Opgepakt"),
        ("instrument-ingezet", "", True, "Opgepakt"),
        ("afspraken-gevolgd", "", True, "Opgepakt"),
        ("afgesloten", "Definitief geen contact kunnen krijgen", True, "Opgepakt"),
        ("afgesloten", "Vervolghulp en/of verwijzing financieel", True, "Opgepakt"),
        ("afgesloten", "Niet opgepakt: andere reden", False, "Niet opgepakt: andere reden"),
        (
            "afgesloten",
            "Niet opgepakt: herhaalde melding",
            False,
            "Niet opgepakt: herhaalde melding",
        ),
        ("afgesloten", "Inwoner is overleden", False, "Inwoner is overleden"),
        (
            "afgesloten",
            "Inwoner al bekend bij schuldhulpverlening",
            False,
            "Inwoner al bekend bij schuldhulpverlening",
        ),
    ],
)
def test_signal_status_follows_the_case(case_status, end_result, picked_up, expected):
    status = mapping.signal_status_for(
        stored_status="Nog niet opgepakt",
        case_status=case_status,
        case_end_result=end_result,
        picked_up=picked_up,
    )
    assert status == expected


def test_a_status_decided_at_receipt_stays():
    status = mapping.signal_status_for(
        stored_status="Niet opgepakt: onterecht signaal", case_status="opgepakt"
    )
    assert status is EnumSignaalstatus.NIET_OPGEPAKT_ONTERECHT_SIGNAAL


@pytest.mark.parametrize("bad", ["Onbekend resultaat", "", "verwijzing zonder contact"])
def test_unknown_stored_value_is_refused_in_dutch(bad):
    with pytest.raises(mapping.UnknownStoredValue, match="Onbekend eindresultaat"):
        mapping.end_result(bad)
    with pytest.raises(mapping.UnknownStoredValue, match="zaakstatus"):
        mapping.signal_status_for(stored_status="Nog niet opgepakt", case_status="gesloten")
