"""The Haal Centraal BRP adapter against a loopback server that speaks the API (issue 10).

The server (tests/brp_fake.py) answers with the shapes of the API's own examples and refuses,
as the API does, requests it would refuse (unknown or missing parameters, values outside the
patterns, fields the response type cannot deliver).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import traceback
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from meldpunt.privacy.crypto import blind_index
from meldpunt.privacy.keys import person_key
from meldpunt.registries import base
from meldpunt.registries.base import PersonQuery, RegistryAnswer, RegistryUnavailable
from meldpunt.registries.checks import HAAL_CENTRAAL
from meldpunt.registries.haalcentraal import (
    BSN_PER_REQUEST,
    PERSON_FIELDS,
    HaalCentraalConfig,
    HaalCentraalRegistry,
)
from meldpunt.registries.local import LocalRegistry
from meldpunt.registries.models import LocalRegistryRecord

from .brp_fake import FakeBrp, LoopbackBrp, Reply, persoon, problem, valid_bsns

BSN = valid_bsns()
RESIDENT = next(BSN)
NAMESAKE = next(BSN)
DECEASED = next(BSN)
MOVED = next(BSN)
EMIGRATED = next(BSN)
MARRIED = next(BSN)
SIBLING_1 = next(BSN)
SIBLING_2 = next(BSN)
FOLDED = next(BSN)
PREFIXED = next(BSN)
API_KEY = "test-api-key-7f3a9c"

PEOPLE = [
    # The specification's own example pair: Pieter Maassen and Jan van Maassen, same day.
    persoon(RESIDENT, "Maassen", date(1983, 5, 26), voornamen="Pieter", postcode="1012AB"),
    persoon(
        NAMESAKE,
        "Maassen",
        date(1983, 5, 26),
        voornamen="Jan Peter",
        voorvoegsel="van",
        gemeente=("0599", "Rotterdam"),
        postcode="3011AA",
    ),
    persoon(
        DECEASED,
        "Jansen",
        date(1963, 4, 5),
        postcode="1013BB",
        huisnummer=2,
        overleden=date(2023, 3, 23),
    ),
    persoon(MOVED, "Bakker", date(1975, 1, 31), gemeente=("0599", "Rotterdam"), postcode="3012CC"),
    persoon(EMIGRATED, "Visser", date(1988, 8, 8), opschorting=("E", "emigratie"), buitenland=True),
    # Geslachtsnaam "de Vries", married to a Jansen; her landlord knows her as Jansen.
    persoon(
        MARRIED,
        "Vries",
        date(1990, 1, 2),
        voorvoegsel="de",
        postcode="1014DD",
        huisnummer=5,
        huisletter="A",
        partners=(("", "Jansen"),),
    ),
    persoon(SIBLING_1, "Smit", date(2001, 6, 1), postcode="1015EE", huisnummer=7),
    persoon(SIBLING_2, "Smit", date(2003, 9, 9), postcode="1015EE", huisnummer=7),
    persoon(FOLDED, "Nguyen", date(1979, 12, 24), postcode="1016FF", huisnummer=9),
    persoon(PREFIXED, "Berg", date(1968, 2, 29), voorvoegsel="van den", postcode="1019JJ"),
]


def query(
    surname: str,
    birth: date | None,
    *,
    prefix: str = "",
    postcode: str = "",
    number: int | None = None,
    letter: str = "",
    addition: str = "",
) -> PersonQuery:
    # The intake's own key; a person without birth date has none, so a test key stands in.
    key = person_key(surname, prefix, birth) or blind_index("test-person", surname, postcode)
    return PersonQuery(key, surname, prefix, birth, postcode, number, letter, addition)


PIETER = query("Maassen", date(1983, 5, 26), postcode="1012AB", number=1)
SASKIA = query("Jansen", date(1963, 4, 5), postcode="1013BB", number=2)
ROBIN = query("Bakker", date(1975, 1, 31), postcode="1017GG", number=3)
EMIGRANT = query("Visser", date(1988, 8, 8))
ANNA = query("Jansen", date(1990, 1, 2), postcode="1014 dd", number=5, letter="a")
NOBODY = query("Onbekend", date(1999, 9, 9), postcode="1018HH", number=11)


@pytest.fixture
def fake() -> FakeBrp:
    return FakeBrp([dict(p) for p in PEOPLE])


@pytest.fixture
def server(fake: FakeBrp) -> Iterator[LoopbackBrp]:
    with LoopbackBrp(fake) as running:
        yield running


def adapter(server: LoopbackBrp, **overrides) -> HaalCentraalRegistry:
    settings = {
        "url": server.url,
        "municipality_codes": frozenset({"0363"}),
        "api_key": API_KEY,
        "timeout": 0.2,
        "retries": 2,
        "backoff": 0.0,
        "concurrency": 1,
    } | overrides
    registry = HaalCentraalRegistry(HaalCentraalConfig(**settings))
    server.closing.append(registry)
    return registry


def bodies(fake: FakeBrp) -> list[dict]:
    return [r["body"] for r in fake.requests]


def refusals(fake: FakeBrp) -> list:
    """Requests the fake (as the API) would have refused: must stay empty."""
    return [b for b in bodies(fake) if FakeBrp(PEOPLE).query(dict(b)).status != 200]


# -- the answers -------------------------------------------------------------------------


@pytest.mark.django_db
def test_found_resident(server, fake):
    answers = adapter(server).lookup_people([PIETER])

    assert answers == {
        PIETER.key: RegistryAnswer(
            deceased=False,
            not_resident=False,
            benefit_recipient=False,
            source="BRP",
            names=("Maassen",),
            municipality_code="0363",
        )
    }
    # The namesake "van Maassen" (same name and birth date, other prefix) was a candidate;
    # the exact own name wins.
    assert [b["type"] for b in bodies(fake)] == [
        "ZoekMetGeslachtsnaamEnGeboortedatum",
        "RaadpleegMetBurgerservicenummer",
    ]
    assert sorted(bodies(fake)[1]["burgerservicenummer"]) == sorted([RESIDENT, NAMESAKE])
    assert refusals(fake) == []


@pytest.mark.django_db
def test_not_found_is_absent(server, fake):
    assert adapter(server).lookup_people([NOBODY]) == {}
    # By name and birth date, then by address narrowed by the birth date; nobody to consult.
    assert [b["type"] for b in bodies(fake)] == [
        "ZoekMetGeslachtsnaamEnGeboortedatum",
        "ZoekMetPostcodeEnHuisnummer",
    ]
    assert bodies(fake)[1]["geboortedatum"] == "1999-09-09"
    assert refusals(fake) == []


@pytest.mark.django_db
def test_deceased(server, fake):
    answer = adapter(server).lookup_people([SASKIA])[SASKIA.key]
    assert answer.deceased is True
    assert answer.not_resident is False
    # Deceased people are searched for explicitly: the API leaves them out by default.
    assert bodies(fake)[0]["inclusiefOverledenPersonen"] is True


@pytest.mark.django_db
def test_moved_out_of_the_municipality(server):
    answer = adapter(server).lookup_people([ROBIN])[ROBIN.key]
    assert (answer.deceased, answer.not_resident, answer.municipality_code) == (False, True, "0599")


@pytest.mark.django_db
def test_moved_out_is_relative_to_the_configured_municipalities(server):
    # A regional meldpunt serving Amsterdam and Rotterdam: Robin lives in its area.
    registry = adapter(server, municipality_codes=frozenset({"0363", "0599"}))
    assert registry.lookup_people([ROBIN])[ROBIN.key].not_resident is False


@pytest.mark.django_db
def test_emigrated_is_not_a_resident(server):
    # Still registered with Amsterdam as last municipality, but suspended for emigration.
    answer = adapter(server).lookup_people([EMIGRANT])[EMIGRANT.key]
    assert (answer.not_resident, answer.municipality_code) == (True, "0363")


@pytest.mark.django_db
def test_married_name_found_by_address_and_birth_date(server, fake):
    answer = adapter(server).lookup_people([ANNA])[ANNA.key]

    assert answer.names == ("de Vries", "Jansen")
    # Her own key (own name + birth date), so the intake files the signal under her (P1).
    assert answer.person_index == person_key("Vries", "de", date(1990, 1, 2))
    assert answer.not_resident is False
    search = bodies(fake)[1]
    assert search == {
        "type": "ZoekMetPostcodeEnHuisnummer",
        "postcode": "1014DD",
        "huisnummer": 5,
        "huisletter": "a",
        "geboortedatum": "1990-01-02",
        "inclusiefOverledenPersonen": True,
        "fields": ["burgerservicenummer"],
    }
    assert refusals(fake) == []


@pytest.mark.django_db
def test_without_birth_date_by_address_and_surname(server, fake):
    q = query("Vries", None, prefix="de", postcode="1014DD", number=5, letter="A")
    assert adapter(server).lookup_people([q])[q.key].names == ("de Vries", "Jansen")
    assert [b["type"] for b in bodies(fake)] == [
        "ZoekMetPostcodeEnHuisnummer",
        "RaadpleegMetBurgerservicenummer",
    ]
    assert bodies(fake)[0]["geslachtsnaam"] == "Vries"
    assert "geboortedatum" not in bodies(fake)[0]


@pytest.mark.django_db
def test_two_candidates_and_no_birth_date_is_no_answer(server):
    # Two Smits at one address and no birth date to tell them apart: better no answer than
    # an answer about the wrong person.
    q = query("Smit", None, postcode="1015EE", number=7)
    assert adapter(server).lookup_people([q]) == {}


@pytest.mark.django_db
def test_birth_date_must_match(server, fake):
    # The register returns a person the search criteria fit; the adapter checks again.
    fake.script.append(
        Reply(
            200,
            {
                "type": "ZoekMetGeslachtsnaamEnGeboortedatum",
                "personen": [{"burgerservicenummer": RESIDENT}],
            },
        )
    )
    q = query("Maassen", date(1983, 5, 27))
    assert adapter(server).lookup_people([q]) == {}


@pytest.mark.django_db
def test_names_outside_the_api_pattern_are_folded_not_refused(server, fake):
    q = query("Nguyễn", date(1979, 12, 24), prefix="d’", postcode="1016FF", number=9)
    assert FOLDED and q.key in adapter(server).lookup_people([q])
    assert bodies(fake)[0]["geslachtsnaam"] == "Nguyen"
    assert refusals(fake) == []


@pytest.mark.django_db
def test_spelling_variants_fit_in_the_canonical_form(server, fake):
    # The landlord wrote the prefix into the surname; the register has "van den" + "Berg".
    # The name search misses, the address + birth date search finds her, core.names fits.
    q = query("Vandenberg", date(1968, 2, 29), postcode="1019JJ", number=1)
    assert adapter(server).lookup_people([q])[q.key].names == ("van den Berg",)
    assert [b["type"] for b in bodies(fake)][:2] == [
        "ZoekMetGeslachtsnaamEnGeboortedatum",
        "ZoekMetPostcodeEnHuisnummer",
    ]


@pytest.mark.django_db
def test_many_people_in_one_call(server, fake):
    # More candidates than one consultation may carry: split in requests of 20 BSNs,
    # searches run side by side.
    bsns = [next(BSN) for _ in range(BSN_PER_REQUEST + 5)]
    fake.people += [persoon(n, "Groot", date(1950, 1, i + 2)) for i, n in enumerate(bsns)]
    queries = [query("Groot", date(1950, 1, i + 2)) for i in range(len(bsns))]
    queries += [PIETER, SASKIA, ROBIN, NOBODY, PIETER]  # a person twice: asked once

    answers = adapter(server, concurrency=4).lookup_people(queries)

    assert set(answers) == {q.key for q in queries} - {NOBODY.key}
    consults = [b for b in bodies(fake) if b["type"] == "RaadpleegMetBurgerservicenummer"]
    assert sorted(len(b["burgerservicenummer"]) for b in consults) == [9, 20]
    assert sum(b["type"] == "ZoekMetGeslachtsnaamEnGeboortedatum" for b in bodies(fake)) == 29
    assert refusals(fake) == []


# -- benefits: from the local table, not the BRP ----------------------------------------


@pytest.mark.django_db
def test_benefits_come_from_the_local_table(server):
    LocalRegistryRecord.objects.create(
        person_index=PIETER.key, status=LocalRegistryRecord.Status.DECEASED, benefit_recipient=True
    )
    LocalRegistryRecord.objects.create(person_index=NOBODY.key, benefit_recipient=True)
    LocalRegistryRecord.objects.create(person_index=ROBIN.key, benefit_recipient=False)
    # Anna's benefit is registered under her own name; the signal uses her married name.
    LocalRegistryRecord.objects.create(
        person_index=person_key("Vries", "de", date(1990, 1, 2)), benefit_recipient=True
    )

    answers = adapter(server).lookup_people([PIETER, NOBODY, ROBIN, ANNA])

    # The BRP decides residence and death (the local "overleden" is not used), the local
    # table decides the benefit.
    assert (answers[PIETER.key].benefit_recipient, answers[PIETER.key].deceased) == (True, False)
    assert answers[PIETER.key].source == "BRP"
    assert answers[NOBODY.key] == RegistryAnswer(
        benefit_recipient=True, source="uitkeringsadministratie (lokaal)"
    )
    assert answers[ROBIN.key].benefit_recipient is False
    assert (answers[ANNA.key].benefit_recipient, answers[ANNA.key].names) == (
        True,
        ("de Vries", "Jansen"),
    )


@pytest.mark.django_db
def test_local_registry_answers_people_by_key():
    LocalRegistryRecord.objects.create(
        person_index=SASKIA.key, status=LocalRegistryRecord.Status.DECEASED
    )
    assert LocalRegistry().lookup_people([SASKIA, NOBODY]) == {
        SASKIA.key: RegistryAnswer(deceased=True, source="lokaal register")
    }


# -- RaadpleegMetBurgerservicenummer -----------------------------------------------------


def test_lookup_by_bsn(server, fake):
    answers = adapter(server).lookup_by_bsn([DECEASED, MOVED, next(BSN)])
    assert answers[DECEASED].deceased is True
    assert answers[MOVED].not_resident is True
    assert set(answers) == {DECEASED, MOVED}
    assert bodies(fake)[0]["fields"] == list(PERSON_FIELDS)


def test_lookup_by_bsn_refuses_a_number_failing_the_elfproef(server, fake):
    with pytest.raises(ValueError) as refused:
        adapter(server).lookup_by_bsn(["123456788"])
    assert "123456788" not in str(refused.value)
    assert fake.requests == []


# -- the register misbehaves --------------------------------------------------------------


def test_timeout_is_retried_then_unavailable(server, fake):
    # The one place where waiting is the behaviour under test: the server answers only after
    # the client's 0.2 s, three times (one try and two retries).
    fake.script += [Reply(hang=True)] * 3
    with pytest.raises(RegistryUnavailable, match="time-out"):
        adapter(server).lookup_people([PIETER])
    assert len(fake.requests) == 3


def test_5xx_is_retried_then_unavailable(server, fake):
    fake.script += [Reply(503, {"status": 503, "title": "Service Unavailable"})] * 3
    with pytest.raises(RegistryUnavailable, match="status 503"):
        adapter(server).lookup_by_bsn([RESIDENT])
    assert len(fake.requests) == 3


@pytest.mark.django_db
def test_5xx_then_an_answer(server, fake):
    fake.script += [Reply(502, b"Bad Gateway"), Reply(500, b"")]
    assert PIETER.key in adapter(server).lookup_people([PIETER])
    assert len(fake.requests) == 4  # two failures, the search again, the consultation


def test_4xx_is_not_retried(server, fake):
    fake.script.append(Reply(403, {"status": 403, "title": "U bent niet geautoriseerd."}))
    with pytest.raises(RegistryUnavailable, match="status 403"):
        adapter(server).lookup_by_bsn([RESIDENT])
    assert len(fake.requests) == 1


def test_400_names_the_wrong_parameter_never_its_value(server, fake):
    fake.script.append(problem(400, ["geslachtsnaam"]))
    with pytest.raises(RegistryUnavailable) as refused:
        adapter(server).lookup_people([PIETER])
    assert "status 400 (paramsValidation; parameters geslachtsnaam)" in str(refused.value)
    assert "Maassen" not in str(refused.value)
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        b'{"type": "RaadpleegMetBurgerservicenummer", "personen": [',
        b"<html>gateway</html>",
        b'{"personen": {"burgerservicenummer": "1"}}',
        b'["personen"]',
        b"[" * 100_000,
    ],
)
def test_malformed_body_is_unavailable_and_not_retried(server, fake, body):
    fake.script.append(Reply(200, body))
    with pytest.raises(RegistryUnavailable, match="BRP-antwoord"):
        adapter(server).lookup_by_bsn([RESIDENT])
    assert len(fake.requests) == 1


def test_response_size_is_bounded(server, fake):
    big = {"type": "RaadpleegMetBurgerservicenummer", "personen": [], "x": "a" * 5000}
    fake.script.append(Reply(200, big))
    with pytest.raises(RegistryUnavailable, match="groter dan"):
        adapter(server, max_response_bytes=4096).lookup_by_bsn([RESIDENT])


def test_connection_refused_is_unavailable():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = HaalCentraalConfig(
        url=f"http://127.0.0.1:{port}/haalcentraal/api/brp",
        municipality_codes=frozenset({"0363"}),
        timeout=0.2,
        retries=1,
        backoff=0.0,
    )
    with pytest.raises(RegistryUnavailable, match="verbinding mislukt"):
        HaalCentraalRegistry(config).lookup_by_bsn([RESIDENT])


# -- data minimisation and privacy -------------------------------------------------------


@pytest.mark.django_db
def test_requests_carry_only_what_is_needed(server, fake):
    adapter(server).lookup_people([PIETER, ANNA])

    searches = [b for b in bodies(fake) if b["type"].startswith("Zoek")]
    consults = [b for b in bodies(fake) if b["type"] == "RaadpleegMetBurgerservicenummer"]
    # A search asks for the BSN only; the name search carries no address and vice versa.
    assert all(b["fields"] == ["burgerservicenummer"] for b in searches)
    assert {frozenset(b) for b in searches} == {
        frozenset(
            {"type", "geslachtsnaam", "geboortedatum", "inclusiefOverledenPersonen", "fields"}
        ),
        frozenset(
            {
                "type",
                "postcode",
                "huisnummer",
                "huisletter",
                "geboortedatum",
                "inclusiefOverledenPersonen",
                "fields",
            }
        ),
    }
    # The consultation asks for names, birth, death, municipality, kind of address and the
    # partners' names: no address, no nationality, no children, no parents, no first names.
    assert consults[0]["fields"] == [
        "burgerservicenummer",
        "naam.voorvoegsel",
        "naam.geslachtsnaam",
        "geboorte.datum",
        "overlijden.datum",
        "gemeenteVanInschrijving.code",
        "verblijfplaats.type",
        "partners.naam.voorvoegsel",
        "partners.naam.geslachtsnaam",
    ]
    headers = {k.lower(): v for k, v in fake.requests[0]["headers"].items()}
    assert headers["x-api-key"] == API_KEY
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert refusals(fake) == []


@pytest.mark.django_db
def test_nothing_personal_reaches_logs_or_errors(server, fake, caplog):
    caplog.set_level(logging.DEBUG)  # httpx and httpcore included
    personal = [
        "Maassen",
        "1983-05-26",
        "1012AB",
        "Jansen",
        "1990-01-02",
        "1014DD",
        RESIDENT,
        NAMESAKE,
        MARRIED,
        API_KEY,
    ]
    registry = adapter(server)
    registry.lookup_people([PIETER, ANNA, NOBODY])
    failures = []
    for script in (
        [Reply(503, b"")] * 3,
        [Reply(hang=True)] * 3,
        [Reply(200, b'{"personen": [{"burgerservicenummer": "' + RESIDENT.encode() + b'"')],
        [problem(400, ["geslachtsnaam"], reason="Maassen is fout")],
    ):
        fake.script += script
        with pytest.raises(RegistryUnavailable) as failure:
            registry.lookup_people([PIETER])
        failures.append("".join(traceback.format_exception(failure.value)))
        failures.append(repr(failure.value))
        # No chain back to the transport error or decode error (they hold the body).
        assert failure.value.__context__ is None and failure.value.__cause__ is None

    assert "BRP" in caplog.text  # the adapter did log (counts, reasons)
    for text in (caplog.text, *failures, repr(PIETER), repr(registry.config)):
        for value in personal:
            assert value not in text


# -- configuration and selection ---------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "problem_text"),
    [
        ({"url": "http://brp.example.nl/api"}, "https"),
        ({"url": ""}, "MELDPUNT_BRP_URL"),
        ({"municipality_codes": frozenset()}, "MELDPUNT_MUNICIPALITY_CODES"),
        ({"municipality_codes": frozenset({"363"})}, "4 cijfers"),
        ({"client_cert": "/nonexistent/cert.pem"}, "horen samen"),
        ({"timeout": 0}, "MELDPUNT_BRP_TIMEOUT"),
        ({"retries": 9}, "MELDPUNT_BRP_RETRIES"),
    ],
)
def test_configuration_problems_are_refused(changes, problem_text):
    config = {
        "url": "https://brp.example.nl/haalcentraal/api/brp",
        "municipality_codes": frozenset({"0363"}),
    } | changes
    with pytest.raises(ImproperlyConfigured, match=problem_text):
        HaalCentraalRegistry(HaalCentraalConfig(**config))


def test_setting_selects_the_adapter_and_the_check_guards_it(server):
    path = "meldpunt.registries.haalcentraal.HaalCentraalRegistry"
    base.registry.cache_clear()
    try:
        with override_settings(
            MELDPUNT_REGISTRY=path,
            MELDPUNT_BRP_URL=server.url,
            MELDPUNT_MUNICIPALITY_CODES=["0363"],
        ):
            assert isinstance(base.registry(), HaalCentraalRegistry)
            assert path == HAAL_CENTRAAL  # the check knows the adapter by name
            assert [m for m in run_checks() if m.id == "registries.E001"] == []
        with override_settings(MELDPUNT_REGISTRY=path, MELDPUNT_BRP_URL=""):
            errors = [m.msg for m in run_checks() if m.id == "registries.E001"]
            assert [e.split()[0] for e in errors] == [
                "MELDPUNT_BRP_URL",
                "MELDPUNT_MUNICIPALITY_CODES",
            ]
    finally:
        base.registry.cache_clear()


# -- TLS with a client certificate (mTLS), as the BRP is reached in production -----------


def _certificates(tmp_path):
    """A test CA, a server certificate for 127.0.0.1 and a client certificate (files)."""
    now = datetime.now(UTC)

    def issue(subject, issuer, key, issuer_key, *, ca=False, server=False):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
        return builder.sign(issuer_key, hashes.SHA256())

    def write(name, cert, key=None):
        (tmp_path / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        if key is not None:
            (tmp_path / f"{name}.key").write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        return str(tmp_path / f"{name}.pem"), str(tmp_path / f"{name}.key")

    ca_key, server_key, client_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = issue("Test-CA", "Test-CA", ca_key, ca_key, ca=True)
    return {
        "ca": write("ca", ca)[0],
        "server": write(
            "server", issue("brp", "Test-CA", server_key, ca_key, server=True), server_key
        ),
        "client": write("client", issue("meldpunt", "Test-CA", client_key, ca_key), client_key),
    }


@pytest.fixture
def tls_server(fake, tmp_path):
    files = _certificates(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*files["server"])
    context.load_verify_locations(files["ca"])
    context.verify_mode = ssl.CERT_REQUIRED  # mutual TLS: no client certificate, no answer
    with LoopbackBrp(fake, tls=context) as running:
        running.files = files
        yield running


@pytest.mark.django_db
def test_mutual_tls_with_own_ca_bundle(tls_server):
    cert, key = tls_server.files["client"]
    registry = adapter(
        tls_server, ca_bundle=tls_server.files["ca"], client_cert=cert, client_key=key
    )
    assert registry.lookup_people([PIETER])[PIETER.key].municipality_code == "0363"


def test_without_client_certificate_or_trusted_ca_the_register_is_unavailable(tls_server):
    cert, key = tls_server.files["client"]
    no_client_cert = adapter(tls_server, ca_bundle=tls_server.files["ca"], retries=0)
    with pytest.raises(RegistryUnavailable, match="verbinding mislukt"):
        no_client_cert.lookup_by_bsn([RESIDENT])
    untrusted = adapter(tls_server, client_cert=cert, client_key=key, retries=0)
    with pytest.raises(RegistryUnavailable, match="verbinding mislukt"):
        untrusted.lookup_by_bsn([RESIDENT])
