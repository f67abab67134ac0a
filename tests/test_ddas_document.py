"""The DDAS v1.2 Uitwisselmodel: reader, writer, schema validity (Draft 2020-12, formats on)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from meldpunt.reporting.ddas.model import (
    AanleverendeOrganisatie,
    Client,
    Contactpersoon,
    Contactpoging,
    DdasModelError,
    DocumentHeader,
    Levering,
    Signaalpartner,
    Uitwisselmodel,
    Vroegsignaal,
    Vroegsignaalzaak,
)
from meldpunt.reporting.ddas.reader import DdasReadError, read_document
from meldpunt.reporting.ddas.vocabulary import (
    EnumContactsoort,
    EnumDagdeel,
    EnumEindresultaat,
    EnumSignaalpartner,
    EnumSignaalstatus,
    Geslacht,
)
from meldpunt.reporting.ddas.writer import (
    document_bytes,
    document_to_dict,
    iter_document,
)

from .reference import DDAS_EXAMPLES, DDAS_V12, ddas_v12_schema, reference_file


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = ddas_v12_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(validator, instance) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def test_format_checks_are_really_on(validator):
    """Without rfc3339-validator, jsonschema skips date-time silently: this keeps it honest."""
    checkers = validator.format_checker.checkers
    assert {"date", "date-time", "email", "time"} <= set(checkers)
    raw = json.loads(reference_file(DDAS_V12 / DDAS_EXAMPLES[0]).read_text())
    raw["aanleverdatumEnTijd"] = "2025-02-30T25:61:00Z"
    assert errors(validator, raw)
    raw["aanleverdatumEnTijd"] = "2025-02-05T10:15:30Z"
    raw["startdatumLevering"] = "2025-02-30"
    assert errors(validator, raw)


@pytest.mark.parametrize("name", DDAS_EXAMPLES)
def test_official_example_round_trips_without_loss(name, validator):
    raw = reference_file(DDAS_V12 / name).read_bytes()
    original = json.loads(raw)
    assert errors(validator, original) == []
    document = read_document(raw)
    written = document_bytes(document)
    assert json.loads(written) == original
    assert errors(validator, json.loads(written)) == []
    assert read_document(written) == document


def test_examples_are_read_into_the_model():
    document = read_document(reference_file(DDAS_V12 / "meervoudigVoorbeeld.json").read_bytes())
    assert document.header.code_gegevensleverancier == "SOFTLEVERANCIER-XYZ"
    assert document.header.aanleverdatum_en_tijd == datetime(2025, 2, 5, 10, 15, 30, tzinfo=UTC)
    second = document.leveringen[1]
    assert (second.teller, second.gemeentecode) == (2, "0363")
    assert second.vroegsignalen[1].client.huisnummertoevoeging == ""  # kept, not dropped
    assert second.vroegsignalen[0].signaalpartner.type is EnumSignaalpartner.HUUR
    case = document.leveringen[0].vroegsignaalzaken[0]
    assert case.vroegsignalen == ("VS-2025-0001", "VS-2025-0002")
    assert case.contactpogingen[2] == Contactpoging(
        EnumContactsoort.HUISBEZOEK, True, date(2025, 1, 16), EnumDagdeel.AVOND
    )


# --- what the reader refuses, with a Dutch message that says where ----------------------------


def _minimal() -> dict:
    return {
        "codeGegevensleverancier": "Meldpunt 0.1.0",
        "startdatumLevering": "2026-01-01",
        "einddatumLevering": "2026-03-31",
        "aanleverdatumEnTijd": "2026-04-02T08:00:00Z",
        "leveringen": [
            {
                "teller": 1,
                "gemeentecode": "0363",
                "aanleverendeOrganisatie": {"naam": "Gemeente Amsterdam"},
                "vroegsignalen": [
                    {
                        "ID": "S1",
                        "signaalpartner": {"type": "Huur"},
                        "client": {"postcode": "1011AB", "huisnummer": "1"},
                    }
                ],
            }
        ],
    }


def _signal(doc: dict) -> dict:
    return doc["leveringen"][0]["vroegsignalen"][0]


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d.update(extra=1), "(document)", "onbekend veld: extra"),
        (lambda d: d.pop("codeGegevensleverancier"), "codeGegevensleverancier", "verplicht"),
        (lambda d: d.update(startdatumLevering="1-1-2026"), "startdatumLevering", "JJJJ-MM-DD"),
        (lambda d: d.update(startdatumLevering="2026-02-30"), "startdatumLevering", "bestaande"),
        (lambda d: d.update(aanleverdatumEnTijd="2026-04-02"), "aanleverdatumEnTijd", "tijd"),
        (lambda d: d.update(leveringen=[]), "leveringen", "minstens één"),
        (lambda d: _signal(d).update(bedrag=12.5), "vroegsignalen[0].bedrag", "hele euro"),
        (lambda d: _signal(d).update(bedrag=True), "vroegsignalen[0].bedrag", "hele euro"),
        (lambda d: _signal(d).update(crisissignaal="ja"), "crisissignaal", "true of false"),
        (lambda d: _signal(d).update(status="Afgesloten"), "status", "EnumSignaalstatus"),
        (lambda d: _signal(d)["signaalpartner"].update(type="Telecom"), "type", "Signaalpartner"),
        (lambda d: _signal(d).pop("client"), "vroegsignalen[0].client", "verplicht"),
        (
            lambda d: _signal(d).update(
                client={"burgerservicenummer": "123456782", "geboortedatum": "1980-01-01"}
            ),
            "vroegsignalen[0].client",
            "geen ander cliëntgegeven",
        ),
        (
            lambda d: _signal(d).update(client={"burgerservicenummer": "12345"}),
            "client",
            "9 tekens",
        ),
        (lambda d: _signal(d).update(client={"postcode": "1011AB"}), "client", "huisnummer"),
        (
            lambda d: d["leveringen"][0].update(vroegsignaalzaken=[{"vroegsignalen": []}]),
            "vroegsignaalzaken[0]",
            "minstens één",
        ),
        (
            lambda d: d["leveringen"][0].update(
                vroegsignaalzaken=[{"vroegsignalen": [{"ID": "S1"}, {"ID": "S1"}]}]
            ),
            "vroegsignaalzaken[0]",
            "één keer",
        ),
        (
            lambda d: d["leveringen"][0]["aanleverendeOrganisatie"].update(
                contactpersonen=[{}, {}]
            ),
            "aanleverendeOrganisatie",
            "één keer",
        ),
    ],
)
def test_reader_refuses_what_the_schema_refuses(change, path, words, validator):
    doc = _minimal()
    assert errors(validator, doc) == []
    change(doc)
    assert errors(validator, doc), "the schema must refuse this too"
    with pytest.raises(DdasReadError) as caught:
        read_document(json.dumps(doc))
    assert path in caught.value.path or path in str(caught.value)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"{", "geen geldige JSON"),
        (b"\xff\xfe{}", "geen UTF-8"),
        (b'{"codeGegevensleverancier": "a", "codeGegevensleverancier": "b"}', "twee keer"),
        (b"[]", "object"),
    ],
)
def test_reader_refuses_broken_files(raw, words):
    with pytest.raises(DdasReadError, match=words):
        read_document(raw)


def test_no_leveringen_means_no_key(validator):
    header = DocumentHeader("Meldpunt 0.1.0", date(2026, 1, 1), date(2026, 3, 31), _now())
    written = document_to_dict(Uitwisselmodel(header=header))
    assert "leveringen" not in written
    assert errors(validator, written) == []


def test_delivery_time_needs_a_time_zone():
    with pytest.raises(DdasModelError, match="tijdzone"):
        DocumentHeader("x", date(2026, 1, 1), date(2026, 1, 31), datetime(2026, 2, 1, 8))


def test_delivery_time_is_written_in_utc():
    amsterdam = timezone(timedelta(hours=2))
    header = DocumentHeader(
        "x", date(2026, 1, 1), date(2026, 1, 31), datetime(2026, 6, 1, 10, 0, 0, tzinfo=amsterdam)
    )
    assert document_to_dict(Uitwisselmodel(header))["aanleverdatumEnTijd"] == "2026-06-01T08:00:00Z"


def _now() -> datetime:
    return datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


# --- property: anything the model can hold is written valid and read back equal ---------------

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
maybe = lambda s: st.none() | s  # noqa: E731


def _enum(enum):
    return st.sampled_from(list(enum))


clients = st.builds(
    Client,
    geslachtsaanduiding=maybe(_enum(Geslacht)),
    geboortedatum=maybe(dates),
    postcode=text,
    huisnummer=text,
    huisnummertoevoeging=maybe(text),
) | st.builds(Client, burgerservicenummer=st.text("0123456789", min_size=9, max_size=9))
signals = st.builds(
    Vroegsignaal,
    id=text,
    client=clients,
    signaalpartner=st.builds(Signaalpartner, type=maybe(_enum(EnumSignaalpartner))),
    crisissignaal=maybe(st.booleans()),
    warme_overdracht=maybe(st.booleans()),
    bedrag=maybe(st.integers(-(10**9), 10**9)),
    ontstaansdatum=maybe(dates),
    signaaldatum=maybe(dates),
    status=maybe(_enum(EnumSignaalstatus)),
)
attempts = st.builds(
    Contactpoging,
    soort=maybe(_enum(EnumContactsoort)),
    bereikt=maybe(st.booleans()),
    datum=maybe(dates),
    dagdeel=maybe(_enum(EnumDagdeel)),
)
cases = st.builds(
    Vroegsignaalzaak,
    resultaat=maybe(_enum(EnumEindresultaat)),
    matchingsdatum=maybe(dates),
    startdatum_matchingperiode=maybe(dates),
    einddatum_matchingperiode=maybe(dates),
    datum_opgepakt=maybe(dates),
    vroegsignalen=maybe(st.lists(text, min_size=1, max_size=3, unique=True).map(tuple)),
    contactpogingen=maybe(st.lists(attempts, max_size=3).map(tuple)),
)
persons = st.builds(
    Contactpersoon,
    naam=maybe(text),
    telefoonnummer=maybe(text),
    email=maybe(st.emails()),
    functietitel=maybe(text),
)
organisations = st.builds(
    AanleverendeOrganisatie,
    naam=maybe(text),
    kvk_nummer=maybe(text),
    contactpersonen=maybe(st.lists(persons, min_size=1, max_size=2, unique=True).map(tuple)),
)
leveringen = st.builds(
    Levering,
    teller=st.integers(1, 10**6),
    gemeentecode=text,
    aanleverende_organisatie=organisations,
    vroegsignalen=maybe(st.lists(signals, max_size=3).map(tuple)),
    vroegsignaalzaken=maybe(st.lists(cases, max_size=3).map(tuple)),
)
documents = st.builds(
    Uitwisselmodel,
    header=st.builds(
        DocumentHeader,
        code_gegevensleverancier=text,
        startdatum_levering=dates,
        einddatum_levering=dates,
        aanleverdatum_en_tijd=st.datetimes(
            min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
        ),
    ),
    leveringen=maybe(st.lists(leveringen, min_size=1, max_size=3, unique=True).map(tuple)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents)
def test_any_model_is_written_valid_and_read_back_equal(document, validator):
    written = document_bytes(document)
    assert errors(validator, json.loads(written)) == []
    assert read_document(written) == document


@settings(max_examples=40, deadline=None)
@given(document=documents, chunk_size=st.integers(1, 300))
def test_chunk_size_never_changes_the_bytes(document, chunk_size):
    whole = document_bytes(document)
    header, parts = document.header, document.leveringen or ()
    chunks = list(iter_document(header, parts, chunk_size=chunk_size))
    assert b"".join(chunks) == whole
    assert all(chunks)


def test_the_writer_pulls_signals_as_it_writes():
    """A page is streamed: the first chunk leaves before most signals were even produced."""
    produced = 0

    def signal_stream():
        nonlocal produced
        for n in range(20_000):
            produced += 1
            yield Vroegsignaal(
                id=f"S{n}",
                client=Client(postcode="1011AB", huisnummer=str(n)),
                signaalpartner=Signaalpartner(EnumSignaalpartner.HUUR),
                bedrag=100,
            )

    class StreamedLevering:
        teller = 1
        gemeentecode = "0363"
        aanleverende_organisatie = AanleverendeOrganisatie(naam="Gemeente Amsterdam")
        vroegsignaalzaken = None

        @property
        def vroegsignalen(self):
            return signal_stream()

    header = DocumentHeader("Meldpunt", date(2026, 1, 1), date(2026, 1, 31), _now())
    stream = iter_document(header, [StreamedLevering()], chunk_size=8192)
    first = next(stream)
    assert 0 < produced < 1_000 and len(first) < 9_000
    rest = b"".join(stream)
    assert produced == 20_000
    assert len(json.loads(first + rest)["leveringen"][0]["vroegsignalen"]) == 20_000
