"""A loopback stand-in for the Haal Centraal BRP API (Personen bevragen v2), for tests.

It answers ``POST …/personen`` the way the specification and its feature files describe:
the three query types the adapter uses, their required parameters and patterns, ``fields``
checked against what the response type (PersoonBeperkt for searches, Persoon for
RaadpleegMetBurgerservicenummer) may deliver, ``opschortingBijhouding`` always delivered,
deceased people left out of searches unless ``inclusiefOverledenPersonen``, and 400 problem
details for a request the API would refuse. Tests can put scripted answers in front
(status codes, broken bodies, a hang past the client's timeout).
"""

from __future__ import annotations

import copy
import json
import re
import ssl
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from stdnum.nl import bsn as bsn_number

PATH = "/haalcentraal/api/brp/personen"

# Field paths a response type can deliver (the part of the specification's field lists that
# these tests touch); auto-delivered fields such as opschortingBijhouding may not be asked.
_BEPERKT = {
    "burgerservicenummer",
    "geboorte",
    "geboorte.datum",
    "geslacht",
    "leeftijd",
    "naam",
    "naam.geslachtsnaam",
    "naam.voorvoegsel",
    "naam.voornamen",
    "naam.voorletters",
    "naam.volledigeNaam",
    "adressering",
}
_PERSOON = _BEPERKT | {
    "naam.aanduidingNaamgebruik",
    "geboorte.plaats",
    "overlijden",
    "overlijden.datum",
    "overlijden.plaats",
    "gemeenteVanInschrijving",
    "gemeenteVanInschrijving.code",
    "verblijfplaats",
    "verblijfplaats.type",
    "verblijfplaats.verblijfadres",
    "partners",
    "partners.naam",
    "partners.naam.geslachtsnaam",
    "partners.naam.voorvoegsel",
    "partners.naam.voornamen",
    "nationaliteiten",
    "kinderen",
    "ouders",
}
_COMMON = {"type", "fields", "gemeenteVanInschrijving"}
_TYPES: dict[str, tuple[set[str], set[str], set[str]]] = {
    # type: (required, optional, fields allowed)
    "RaadpleegMetBurgerservicenummer": ({"burgerservicenummer"}, set(), _PERSOON),
    "ZoekMetGeslachtsnaamEnGeboortedatum": (
        {"geslachtsnaam", "geboortedatum"},
        {"inclusiefOverledenPersonen", "geslacht", "voorvoegsel", "voornamen"},
        _BEPERKT,
    ),
    "ZoekMetPostcodeEnHuisnummer": (
        {"postcode", "huisnummer"},
        {
            "inclusiefOverledenPersonen",
            "huisletter",
            "huisnummertoevoeging",
            "geboortedatum",
            "geslachtsnaam",
        },
        _BEPERKT,
    ),
}
_PATTERNS = {
    "geslachtsnaam": re.compile(r"^[a-zA-Z0-9\u00c0-\u017e \.\-\']{1,200}$"),
    "voorvoegsel": re.compile(r"^[a-zA-Z \']{1,10}$"),
    "postcode": re.compile(r"^[1-9]{1}[0-9]{3}[ ]?[A-Za-z]{2}$"),
    "huisletter": re.compile(r"^[a-zA-Z]{1}$"),
    "huisnummertoevoeging": re.compile(r"^[a-zA-Z0-9 \-]{1,4}$"),
    "gemeenteVanInschrijving": re.compile(r"^[0-9]{4}$"),
}
_FIELD = re.compile(r"^[a-zA-Z0-9\._]{1,200}$")
_MONTHS = "januari februari maart april mei juni juli augustus september oktober november december"


def valid_bsns() -> Iterator[str]:
    """Numbers that pass the elfproef, from 999999999 down (the test range of the RvIG)."""
    for n in range(999_999_999, 100_000_000, -1):
        if bsn_number.is_valid(str(n)):
            yield str(n)


def datum(value: date) -> dict[str, Any]:
    month = _MONTHS.split()[value.month - 1]
    return {
        "type": "Datum",
        "datum": value.isoformat(),
        "langFormaat": f"{value.day} {month} {value.year}",
    }


def persoon(
    bsn: str,
    geslachtsnaam: str,
    geboortedatum: date | None,
    *,
    voornamen: str = "Kim",
    voorvoegsel: str = "",
    gemeente: tuple[str, str] = ("0363", "Amsterdam"),
    postcode: str = "1012AB",
    huisnummer: int = 1,
    huisletter: str = "",
    toevoeging: str = "",
    overleden: date | None = None,
    opschorting: tuple[str, str] | None = None,
    buitenland: bool = False,
    partners: tuple[tuple[str, str], ...] = (),  # (voorvoegsel, geslachtsnaam)
) -> dict[str, Any]:
    """A person list in the shape the API delivers (empty values are left out, as it does)."""
    naam = {"voornamen": voornamen, "geslachtsnaam": geslachtsnaam, "voorletters": "K."}
    if voorvoegsel:
        naam["voorvoegsel"] = voorvoegsel
    data: dict[str, Any] = {
        "burgerservicenummer": bsn,
        "naam": naam,
        "geboorte": {
            "datum": datum(geboortedatum)
            if geboortedatum
            else {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"},
            "plaats": {"code": "0363", "omschrijving": "Amsterdam"},
        },
        "gemeenteVanInschrijving": {"code": gemeente[0], "omschrijving": gemeente[1]},
    }
    if buitenland:
        data["verblijfplaats"] = {
            "type": "VerblijfplaatsBuitenland",
            "verblijfadres": {
                "regel1": "Rue 1",
                "land": {"code": "5002", "omschrijving": "Frankrijk"},
            },
        }
    else:
        adres = {
            "officieleStraatnaam": "Teststraat",
            "korteStraatnaam": "Teststraat",
            "huisnummer": huisnummer,
            "postcode": postcode,
            "woonplaats": gemeente[1],
        }
        if huisletter:
            adres["huisletter"] = huisletter
        if toevoeging:
            adres["huisnummertoevoeging"] = toevoeging
        data["verblijfplaats"] = {"type": "Adres", "verblijfadres": adres}
    if overleden:
        data["overlijden"] = {
            "datum": datum(overleden),
            "plaats": {"code": "0518", "omschrijving": "'s-Gravenhage"},
            "land": {"code": "6030", "omschrijving": "Nederland"},
        }
        opschorting = opschorting or ("O", "overlijden")
    if opschorting:
        data["opschortingBijhouding"] = {
            "reden": {"code": opschorting[0], "omschrijving": opschorting[1]},
            "datum": datum(overleden or date(2022, 8, 29)),
        }
    if partners:
        data["partners"] = [
            {
                "burgerservicenummer": "999990007",
                "soortVerbintenis": {"code": "H", "omschrijving": "huwelijk"},
                "naam": {"voornamen": "Merel", "geslachtsnaam": surname}
                | ({"voorvoegsel": prefix} if prefix else {}),
            }
            for prefix, surname in partners
        ]
    return data


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _select(source: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """The parts of ``source`` named by dotted ``paths`` (lists: per element)."""
    result: dict[str, Any] = {}

    def pick(src: Any, parts: list[str], dst: dict[str, Any]) -> None:
        if not isinstance(src, dict) or parts[0] not in src:
            return
        value = src[parts[0]]
        if len(parts) == 1:
            dst[parts[0]] = copy.deepcopy(value)
        elif isinstance(value, list):
            targets = dst.setdefault(parts[0], [{} for _ in value])
            for item, target in zip(value, targets, strict=True):
                pick(item, parts[1:], target)
        else:
            pick(value, parts[1:], dst.setdefault(parts[0], {}))

    for path in paths:
        pick(source, path.split("."), result)
    if "opschortingBijhouding" in source:  # always delivered, never asked
        result["opschortingBijhouding"] = copy.deepcopy(source["opschortingBijhouding"])
    return result


@dataclass
class Reply:
    status: int = 200
    body: bytes | dict[str, Any] = b""
    hang: bool = False  # wait (for the test to release) before answering
    headers: dict[str, str] = field(default_factory=dict)


def problem(
    status: int, names: list[str], reason: str = "Waarde voldoet niet aan patroon."
) -> Reply:
    return Reply(
        status,
        {
            "type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1",
            "title": "Een of meerdere parameters zijn niet correct.",
            "status": status,
            "detail": f"De foutieve parameter(s) zijn: {', '.join(names)}.",
            "code": "paramsValidation",
            "instance": PATH,
            "invalidParams": [{"code": "pattern", "name": n, "reason": reason} for n in names],
        },
        headers={"Content-Type": "application/problem+json"},
    )


class FakeBrp:
    """The register's data and behaviour; ``script`` replies come first, one per request."""

    def __init__(self, people: list[dict[str, Any]] | None = None) -> None:
        self.people = people or []
        self.requests: list[dict[str, Any]] = []  # {"headers": …, "body": parsed JSON}
        self.script: list[Reply | Callable[[dict[str, Any]], Reply]] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._indexed = -1
        self._by_key: dict[str | None, list[dict[str, Any]]] = {}

    # -- the API -------------------------------------------------------------------------

    def answer(self, path: str, headers: dict[str, str], raw: bytes) -> Reply:
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with self._lock:
            self.requests.append({"path": path, "headers": headers, "body": body})
            scripted = self.script.pop(0) if self.script else None
        if scripted is not None:
            return scripted(body) if callable(scripted) else scripted
        if path != PATH:
            return Reply(404, {"status": 404, "title": "Opgevraagde resource bestaat niet."})
        if not isinstance(body, dict):
            return problem(400, ["body"])
        return self.query(body)

    def query(self, body: dict[str, Any]) -> Reply:
        kind = body.get("type")
        if kind not in _TYPES:
            return problem(400, ["type"])
        required, optional, allowed = _TYPES[kind]
        wrong = sorted(set(body) - _COMMON - required - optional)
        wrong += sorted(required - set(body))
        fields = body.get("fields")
        if not isinstance(fields, list) or not 1 <= len(fields) <= 130:
            wrong.append("fields")
        else:
            wrong += [
                f"fields[{i}]"
                for i, f in enumerate(fields)
                if not isinstance(f, str) or not _FIELD.match(f) or f not in allowed
            ]
        for name, pattern in _PATTERNS.items():
            if name in body and not (isinstance(body[name], str) and pattern.match(body[name])):
                wrong.append(name)
        if "huisnummer" in body and not (
            isinstance(body["huisnummer"], int) and 1 <= body["huisnummer"] <= 99999
        ):
            wrong.append("huisnummer")
        if "geboortedatum" in body:
            try:
                date.fromisoformat(body["geboortedatum"])
            except (TypeError, ValueError):
                wrong.append("geboortedatum")
        if kind == "RaadpleegMetBurgerservicenummer":
            numbers = body.get("burgerservicenummer")
            if not isinstance(numbers, list) or not 1 <= len(numbers) <= 20:
                wrong.append("burgerservicenummer")
            else:
                wrong += [
                    f"burgerservicenummer[{i}]"
                    for i, n in enumerate(numbers)
                    if not (isinstance(n, str) and re.fullmatch(r"[0-9]{9}", n))
                ]
        if wrong:
            return problem(400, wrong)
        found = [p for p in self._pool(kind, body) if self._matches(kind, body, p)]
        return Reply(200, {"type": kind, "personen": [_select(p, fields) for p in found]})

    def _pool(self, kind: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The people worth checking (an index by BSN and birth date, for the benchmark)."""
        if self._indexed != len(self.people):
            self._by_key = {}
            for p in self.people:
                birth = p.get("geboorte", {}).get("datum", {}).get("datum")
                for key in (p["burgerservicenummer"], birth):
                    self._by_key.setdefault(key, []).append(p)
            self._indexed = len(self.people)
        if kind == "RaadpleegMetBurgerservicenummer":
            numbers = dict.fromkeys(body["burgerservicenummer"])
            return [p for n in numbers for p in self._by_key.get(n, [])]
        if "geboortedatum" in body:
            return self._by_key.get(body["geboortedatum"], [])
        return self.people

    @staticmethod
    def _matches(kind: str, body: dict[str, Any], person: dict[str, Any]) -> bool:
        naam = person.get("naam", {})
        geboorte = person.get("geboorte", {}).get("datum", {}).get("datum")
        gemeente = person.get("gemeenteVanInschrijving", {}).get("code")
        reason = person.get("opschortingBijhouding", {}).get("reden", {}).get("code")
        if "gemeenteVanInschrijving" in body and body["gemeenteVanInschrijving"] != gemeente:
            return False
        if kind == "RaadpleegMetBurgerservicenummer":
            return person["burgerservicenummer"] in body["burgerservicenummer"]
        if reason == "O" and body.get("inclusiefOverledenPersonen") is not True:
            return False
        if "geslachtsnaam" in body and _fold(body["geslachtsnaam"]) != _fold(
            naam.get("geslachtsnaam", "")
        ):
            return False
        if "voorvoegsel" in body and _fold(body["voorvoegsel"]) != _fold(
            naam.get("voorvoegsel", "")
        ):
            return False
        if "geboortedatum" in body and body["geboortedatum"] != geboorte:
            return False
        if kind == "ZoekMetPostcodeEnHuisnummer":
            adres = person.get("verblijfplaats", {}).get("verblijfadres", {})
            if "".join(body["postcode"].split()).upper() != adres.get("postcode"):
                return False
            if body["huisnummer"] != adres.get("huisnummer"):
                return False
            for name in ("huisletter", "huisnummertoevoeging"):
                if name in body and _fold(body[name]) != _fold(adres.get(name, "")):
                    return False
        return True


class _Handler(BaseHTTPRequestHandler):
    fake: FakeBrp
    protocol_version = "HTTP/1.1"
    wbufsize = -1  # one write per response: headers and body in one segment (no Nagle delay)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        reply = self.fake.answer(self.path, dict(self.headers.items()), raw)
        if reply.hang:
            # Longer than the client waits; released when the test ends (no fixed sleep).
            self.fake.release.wait(10)
        body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.headers.get("Content-Type", "application/json"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timeout test)
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the test output stays clean


class LoopbackBrp:
    """FakeBrp served on 127.0.0.1 (a free port) in a thread; over TLS when given a context."""

    def __init__(self, fake: FakeBrp, tls: ssl.SSLContext | None = None) -> None:
        self.fake = fake
        handler = type("Handler", (_Handler,), {"fake": fake})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        scheme = "http"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_port}/haalcentraal/api/brp"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.closing: list[Any] = []  # clients to close before the server stops

    def __enter__(self) -> LoopbackBrp:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for client in self.closing:
            client.close()
        self.fake.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
