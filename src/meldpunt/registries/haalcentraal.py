"""The population register (BRP) through the Haal Centraal BRP API, Personen bevragen v2.

One endpoint, ``POST {MELDPUNT_BRP_URL}/personen``, with a query ``type``. Searches
(``ZoekMet…``) return a restricted person ("PersoonBeperkt": no death, municipality or
partners), so a look-up takes two steps (docs/adr/0104-brp-adapter.md):

1. search for the person's burgerservicenummer: ``ZoekMetGeslachtsnaamEnGeboortedatum``, or
   when that finds nobody (or there is no birth date) ``ZoekMetPostcodeEnHuisnummer``, always
   narrowed by a second attribute of the person so housemates are not returned;
2. ``RaadpleegMetBurgerservicenummer`` for the candidates (20 per request) with only the
   fields triage needs, then pick the one candidate that matches the signal, or nobody.

The BSN stays inside this module: it is not stored and not returned by ``lookup_people``.
Benefits (Participatiewet) are not in the BRP: they come from the local table.

Personal data (names, birth dates, addresses, BSNs) is never logged and never put in an
exception message; logs carry counts, status codes and reasons only.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import ssl
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from stdnum.nl import bsn as bsn_number

from meldpunt.core.names import canonical_surname
from meldpunt.privacy.keys import person_key

from .base import PersonQuery, RegistryAnswer, RegistryUnavailable
from .local import LocalRegistry

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

SOURCE = "BRP"
BENEFITS_SOURCE = "uitkeringsadministratie (lokaal)"

# Searches ask for the BSN only (the search itself carries the name and birth date).
SEARCH_FIELDS = ("burgerservicenummer",)
# What triage needs about a candidate, and nothing more (data minimisation). Deaths,
# emigration and RNI registration also show in ``opschortingBijhouding``, which the API
# always delivers and which may not be asked for in ``fields``.
PERSON_FIELDS = (
    "burgerservicenummer",
    "naam.voorvoegsel",
    "naam.geslachtsnaam",
    "geboorte.datum",
    "overlijden.datum",
    "gemeenteVanInschrijving.code",
    "verblijfplaats.type",
    "partners.naam.voorvoegsel",
    "partners.naam.geslachtsnaam",
)
BSN_PER_REQUEST = 20  # maxItems of burgerservicenummer in RaadpleegMetBurgerservicenummer
# A search with more hits than this is not one person: treated as not found, and the
# candidates are not consulted (they are other people).
MAX_CANDIDATES = 5
MAX_RESPONSE_BYTES = 1 << 20  # a full batch of 20 people with these fields is a few KB

# Reasons for suspension of maintenance (opschorting bijhouding, BRP table 39).
DECEASED_REASON = "O"
EMIGRATED_REASONS = {"E", "R"}  # emigratie; persoonslijst aangelegd in de RNI
ABROAD = "VerblijfplaatsBuitenland"

# Request patterns of the specification: a value that does not fit would get a 400.
_SURNAME = re.compile(r"^[a-zA-Z0-9\u00c0-\u017e .\-']{1,200}$")
_PREFIX = re.compile(r"^[a-zA-Z ']{1,10}$")
_POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
_HOUSE_LETTER = re.compile(r"^[a-zA-Z]$")
_ADDITION = re.compile(r"^[a-zA-Z0-9 \-]{1,4}$")
_BSN = re.compile(r"^[0-9]{9}$")
_CODE = re.compile(r"^[0-9]{4}$")
_PARAM_NAME = re.compile(r"^[a-zA-Z0-9.\[\]]{1,60}$")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


# -- configuration -----------------------------------------------------------------------


@dataclass(frozen=True)
class HaalCentraalConfig:
    """The adapter's settings (MELDPUNT_BRP_*, MELDPUNT_MUNICIPALITY_CODES)."""

    url: str
    municipality_codes: frozenset[str]
    api_key: str = field(default="", repr=False)
    client_cert: str = ""
    client_key: str = ""
    ca_bundle: str = ""
    timeout: float = 5.0
    retries: int = 2
    backoff: float = 0.2  # seconds before the first retry; doubles per retry
    concurrency: int = 4
    max_response_bytes: int = MAX_RESPONSE_BYTES

    @classmethod
    def from_settings(cls) -> HaalCentraalConfig:
        return cls(
            url=settings.MELDPUNT_BRP_URL,
            municipality_codes=frozenset(settings.MELDPUNT_MUNICIPALITY_CODES),
            api_key=settings.MELDPUNT_BRP_API_KEY,
            client_cert=settings.MELDPUNT_BRP_CLIENT_CERT,
            client_key=settings.MELDPUNT_BRP_CLIENT_KEY,
            ca_bundle=settings.MELDPUNT_BRP_CA_BUNDLE,
            timeout=settings.MELDPUNT_BRP_TIMEOUT,
            retries=settings.MELDPUNT_BRP_RETRIES,
            concurrency=settings.MELDPUNT_BRP_CONCURRENCY,
        )

    def problems(self) -> list[str]:
        """What is wrong with these settings, in Dutch; empty when they are usable."""
        found: list[str] = []
        parts = urlsplit(self.url)
        if not self.url or parts.scheme not in ("https", "http") or not parts.hostname:
            found.append("MELDPUNT_BRP_URL ontbreekt of is geen http(s)-adres.")
        elif parts.scheme == "http" and not _is_loopback(parts.hostname):
            found.append(
                "MELDPUNT_BRP_URL moet https gebruiken (http alleen naar 127.0.0.1/localhost)."
            )
        if not self.municipality_codes:
            found.append("MELDPUNT_MUNICIPALITY_CODES ontbreekt (CBS-gemeentecodes, bv. 0363).")
        elif not all(_CODE.match(c) for c in self.municipality_codes):
            found.append("MELDPUNT_MUNICIPALITY_CODES: elke code heeft 4 cijfers (bv. 0363).")
        if bool(self.client_cert) != bool(self.client_key):
            found.append("MELDPUNT_BRP_CLIENT_CERT en MELDPUNT_BRP_CLIENT_KEY horen samen.")
        for name, path in (
            ("MELDPUNT_BRP_CLIENT_CERT", self.client_cert),
            ("MELDPUNT_BRP_CLIENT_KEY", self.client_key),
            ("MELDPUNT_BRP_CA_BUNDLE", self.ca_bundle),
        ):
            if path and not Path(path).is_file():
                found.append(f"{name}: bestand {path} bestaat niet.")
        if not self.timeout > 0:
            found.append("MELDPUNT_BRP_TIMEOUT moet groter dan 0 seconden zijn.")
        if not 0 <= self.retries <= 5:
            found.append("MELDPUNT_BRP_RETRIES moet tussen 0 en 5 liggen.")
        if not 1 <= self.concurrency <= 16:
            found.append("MELDPUNT_BRP_CONCURRENCY moet tussen 1 en 16 liggen.")
        return found


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# -- what the register says about one candidate ------------------------------------------


@dataclass(frozen=True)
class _Person:
    """One consulted person list, reduced to what matching and triage need."""

    birth_date: date | None
    own: tuple[str, str]  # (voorvoegsel, geslachtsnaam)
    partners: tuple[tuple[str, str], ...]
    deceased: bool
    emigrated: bool
    municipality_code: str
    usable: bool  # False for a person list suspended as erroneous or by ministerial decree

    def names(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for prefix, surname in (self.own, *self.partners):
            if surname:
                seen.setdefault(f"{prefix} {surname}".strip(), None)
        return tuple(seen)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _full_date(value: Any) -> date | None:
    """A ``Datum`` of the API as a date; partial and unknown dates (JaarDatum, …) are None."""
    value = _obj(value)
    if value.get("type") != "Datum":
        return None
    try:
        return date.fromisoformat(_text(value.get("datum")))
    except ValueError:
        return None


def _person(data: dict[str, Any]) -> _Person:
    naam = _obj(data.get("naam"))
    reason = _text(_obj(_obj(data.get("opschortingBijhouding")).get("reden")).get("code"))
    partners = tuple(
        (
            _text(_obj(p.get("naam")).get("voorvoegsel")),
            _text(_obj(p.get("naam")).get("geslachtsnaam")),
        )
        for p in data.get("partners") or ()
        if isinstance(p, dict)
    )
    return _Person(
        birth_date=_full_date(_obj(data.get("geboorte")).get("datum")),
        own=(_text(naam.get("voorvoegsel")), _text(naam.get("geslachtsnaam"))),
        partners=partners,
        deceased=reason == DECEASED_REASON or bool(data.get("overlijden")),
        emigrated=reason in EMIGRATED_REASONS
        or _obj(data.get("verblijfplaats")).get("type") == ABROAD,
        municipality_code=_text(_obj(data.get("gemeenteVanInschrijving")).get("code")),
        usable=reason in ("", DECEASED_REASON, *EMIGRATED_REASONS),
    )


# -- names: what the API accepts, and how two names compare ------------------------------


def _fold(text: str) -> str:
    """Without diacritics (the API's search ignores them too: Käster finds Kaster)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _clean(text: str) -> str:
    return " ".join(text.translate(_APOSTROPHES).split())


def _param(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` as the API accepts it, or "" when it cannot be sent."""
    text = _clean(text)
    if not pattern.match(text):
        text = _fold(text)
    return text if pattern.match(text) else ""


def _name_strength(query: PersonQuery, person: _Person) -> int:
    """How well the signal's name fits: 3 own name with prefix, 2 own surname, 1 partner's.

    Compared in the canonical form of core.names (the one the person keys hash), so spelling
    variants (diacritics, ij/y, ss/s, the prefix written into the surname) still fit.
    """
    full = canonical_surname(query.surname, query.prefix)
    asked = {full, canonical_surname(query.surname)}
    if "-" in query.surname:  # "Jansen-de Vries": own and partner's name (naamgebruik)
        asked.update(canonical_surname(part) for part in query.surname.split("-"))
    asked.discard("")

    def fits(prefix: str, surname: str) -> bool:
        return bool(
            asked & ({canonical_surname(surname, prefix), canonical_surname(surname)} - {""})
        )

    prefix, surname = person.own
    if full and full == canonical_surname(surname, prefix):
        return 3
    if fits(prefix, surname):
        return 2
    return 1 if any(fits(*partner) for partner in person.partners) else 0


def _match(query: PersonQuery, candidates: Sequence[_Person]) -> _Person | None:
    """The one candidate that is the person of the signal, or None when none or unsure.

    Same birth date when the signal has one; then the best name fit, which must be unique:
    an answer about the wrong person could close a signal, not finding them cannot.
    """
    scored = [
        (_name_strength(query, c), c)
        for c in candidates
        if c.usable and (query.birth_date is None or c.birth_date == query.birth_date)
    ]
    scored = [(s, c) for s, c in scored if s > 0]
    if not scored:
        return None
    best = max(s for s, _ in scored)
    top = [c for s, c in scored if s == best]
    return top[0] if len(top) == 1 else None


# -- the adapter -------------------------------------------------------------------------


class _Retryable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class HaalCentraalRegistry:
    """Registry adapter for the Haal Centraal BRP API v2, composed with the local benefits table.

    Select with ``MELDPUNT_REGISTRY=meldpunt.registries.haalcentraal.HaalCentraalRegistry``.
    """

    # It needs what the signal says about the person (name, birth date, address): the intake
    # asks ``lookup_people`` before its write transaction, never ``lookup_many``.
    needs_people = True

    def __init__(
        self,
        config: HaalCentraalConfig | None = None,
        *,
        benefits: LocalRegistry | None = None,
    ) -> None:
        self.config = config or HaalCentraalConfig.from_settings()
        problems = self.config.problems()
        if problems:
            raise ImproperlyConfigured("BRP-koppeling: " + " ".join(problems))
        self.benefits = benefits or LocalRegistry()
        self._url = self.config.url.rstrip("/") + "/personen"
        self._client: httpx.Client | None = None
        self._client_pid = 0
        self._lock = threading.Lock()
        self._requests = 0

    # -- the Registry protocol ---------------------------------------------------------

    def lookup_people(self, queries: Iterable[PersonQuery]) -> dict[str, RegistryAnswer]:
        """BRP for residence, death and names; the local table for benefits.

        Raises RegistryUnavailable when the BRP cannot be asked; then nothing is answered.
        """
        unique: dict[str, PersonQuery] = {}
        for query in queries:
            if query.key:  # an answer must be keyed; an empty key would merge strangers
                unique.setdefault(query.key, query)
        people = list(unique.values())
        started, requests_before = time.monotonic(), self._requests
        candidates = self._map(self._candidates, people)
        consulted = self._consult(sorted({bsn for found in candidates for bsn in found}))
        answers: dict[str, RegistryAnswer] = {}
        for query, found in zip(people, candidates, strict=True):
            person = _match(query, [consulted[bsn] for bsn in found if bsn in consulted])
            if person is not None:
                answers[query.key] = self._answer(person, asked=query.key)
        found = len(answers)
        # The benefits table may know the person by the key asked or by their own name's key.
        own = {key: a.person_index for key, a in answers.items() if a.person_index}
        benefit = self.benefits.benefit_recipients({*unique, *own.values()})
        for key in unique:
            if key not in benefit and own.get(key) not in benefit:
                continue
            answer = answers.get(key)
            answers[key] = (
                RegistryAnswer(benefit_recipient=True, source=BENEFITS_SOURCE)
                if answer is None
                else replace(answer, benefit_recipient=True)
            )
        log.info(
            "BRP: %d personen gevraagd, %d gevonden, %d verzoeken in %.2f s.",
            len(people),
            found,
            self._requests - requests_before,
            time.monotonic() - started,
        )
        return answers

    def lookup_many(self, person_indexes: Iterable[str]) -> dict[str, RegistryAnswer]:
        """By blind index alone the BRP cannot be asked: only the local benefits table answers.

        The intake calls ``lookup_people``, which has what the BRP needs.
        """
        return {
            key: RegistryAnswer(benefit_recipient=True, source=BENEFITS_SOURCE)
            for key in self.benefits.benefit_recipients(person_indexes)
        }

    # -- RaadpleegMetBurgerservicenummer ------------------------------------------------

    def lookup_by_bsn(self, burgerservicenummers: Iterable[str]) -> dict[str, RegistryAnswer]:
        """Answers keyed by BSN, for the municipality that holds one (the intake does not).

        BRP only: the local benefits table knows people by blind index, not by BSN. Raises
        ValueError for a number that fails the elfproef, RegistryUnavailable as above.
        """
        numbers = list(dict.fromkeys(burgerservicenummers))
        if not all(_BSN.match(n) and bsn_number.is_valid(n) for n in numbers):
            raise ValueError("Ongeldig burgerservicenummer (9 cijfers en de elfproef).")
        return {bsn: self._answer(p) for bsn, p in self._consult(numbers).items() if p.usable}

    # -- steps ---------------------------------------------------------------------------

    def _answer(self, person: _Person, *, asked: str = "") -> RegistryAnswer:
        code = person.municipality_code
        outside = bool(code) and code not in self.config.municipality_codes
        # The person's own key (own name + birth date in the BRP), when the signal used
        # another name or spelling: the intake then files the signal under that person (P1).
        own = person_key(person.own[1], person.own[0], person.birth_date)
        return RegistryAnswer(
            deceased=person.deceased,
            not_resident=person.emigrated or outside,
            source=SOURCE,
            person_index="" if own == asked else own,
            names=person.names(),
            municipality_code=code,
        )

    def _candidates(self, query: PersonQuery) -> list[str]:
        """BSNs of the people who may be ``query``: by name and birth date, else by address."""
        for body in (_name_search(query), _address_search(query)):
            if body is None:
                continue
            found = self._bsns(self._post(body))
            if 0 < len(found) <= MAX_CANDIDATES:
                return found
        return []

    def _consult(self, numbers: Sequence[str]) -> dict[str, _Person]:
        chunks = [numbers[i : i + BSN_PER_REQUEST] for i in range(0, len(numbers), BSN_PER_REQUEST)]
        people: dict[str, _Person] = {}
        for response in self._map(self._consult_chunk, chunks):
            for data in response:
                number = _text(data.get("burgerservicenummer"))
                if _BSN.match(number):
                    people[number] = _person(data)
        return people

    def _consult_chunk(self, numbers: Sequence[str]) -> list[dict[str, Any]]:
        return self._post(
            {
                "type": "RaadpleegMetBurgerservicenummer",
                "burgerservicenummer": list(numbers),
                "fields": list(PERSON_FIELDS),
            }
        )

    @staticmethod
    def _bsns(people: list[dict[str, Any]]) -> list[str]:
        found = (_text(p.get("burgerservicenummer")) for p in people)
        return list(dict.fromkeys(n for n in found if _BSN.match(n)))

    def _map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``fn`` over ``items``, up to MELDPUNT_BRP_CONCURRENCY at a time; the first failure
        stops the rest (a register that is down is down for all of them)."""
        if self.config.concurrency <= 1 or len(items) <= 1:
            return [fn(item) for item in items]
        pool = ThreadPoolExecutor(
            max_workers=min(self.config.concurrency, len(items)), thread_name_prefix="brp"
        )
        try:
            return list(pool.map(fn, items))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    # -- HTTP ----------------------------------------------------------------------------

    @property
    def _http(self) -> httpx.Client:
        # One client per process: a forked worker (intake.parallel) must not share sockets.
        with self._lock:
            if self._client is None or self._client_pid != os.getpid():
                self._client = self._new_client()
                self._client_pid = os.getpid()
            return self._client

    def _new_client(self) -> httpx.Client:
        config = self.config
        verify: ssl.SSLContext | bool = False  # plain http: only to loopback (problems())
        if urlsplit(config.url).scheme == "https":
            verify = ssl.create_default_context(cafile=config.ca_bundle or None)
            if config.client_cert:
                verify.load_cert_chain(config.client_cert, config.client_key)
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json; charset=utf-8",
        }
        if config.api_key:
            headers["X-API-KEY"] = config.api_key
        return httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(config.timeout),
            verify=verify,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=config.concurrency),
        )

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def _post(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The ``personen`` of one query; retried on timeouts, connection errors and 5xx."""
        content = json.dumps(body, ensure_ascii=False).encode()
        attempts = self.config.retries + 1
        for attempt in range(1, attempts + 1):
            with self._lock:
                self._requests += 1
            try:
                return self._post_once(content)
            except _Retryable as exc:
                reason = exc.reason
            # Raised outside the ``except``: the transport error's request holds the body.
            if attempt == attempts:
                raise RegistryUnavailable(
                    f"BRP niet bereikbaar: {reason} (na {attempts} poging(en))."
                )
            log.warning(
                "BRP-verzoek mislukt (%s), poging %d van %d; opnieuw.", reason, attempt, attempts
            )
            time.sleep(self.config.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _post_once(self, content: bytes) -> list[dict[str, Any]]:
        limit = self.config.max_response_bytes
        try:
            with self._http.stream("POST", self._url, content=content) as response:
                status = response.status_code
                if status >= 500:
                    raise _Retryable(f"status {status}")
                if status != 200:
                    # 4xx is our request or our authorisation: asking again will not help.
                    raise RegistryUnavailable(
                        f"BRP weigert het verzoek: status {status}{_problem(response, limit)}."
                    )
                body = _read(response, limit)
        except httpx.TimeoutException:
            failure = "time-out"
        except httpx.TransportError:
            failure = "verbinding mislukt"
        else:
            return _personen(body)
        raise _Retryable(failure)


def _read(response: httpx.Response, limit: int) -> bytes:
    """The body, or RegistryUnavailable once it passes ``limit`` bytes (decompressed)."""
    too_large = RegistryUnavailable(f"BRP-antwoord groter dan {limit // 1024} KiB; niet gelezen.")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


_INVALID = object()


def _personen(body: bytes) -> list[dict[str, Any]]:
    # Raised outside the ``except``: a decode error holds the document (personal data), and
    # would otherwise travel along as the new exception's context.
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        data = _INVALID
    if data is _INVALID:
        raise RegistryUnavailable("BRP-antwoord is geen geldige JSON.")
    personen = data.get("personen", []) if isinstance(data, dict) else None
    if not isinstance(personen, list) or not all(isinstance(p, dict) for p in personen):
        raise RegistryUnavailable("BRP-antwoord heeft niet de verwachte vorm (personen).")
    return personen


def _problem(response: httpx.Response, limit: int) -> str:
    """The problem code and the names of wrong parameters (never their values)."""
    try:
        data = json.loads(_read(response, limit))
    except (ValueError, RecursionError, RegistryUnavailable, httpx.HTTPError):
        return ""
    if not isinstance(data, dict):
        return ""
    code = _text(data.get("code"))
    names = [
        _text(p.get("name"))
        for p in data.get("invalidParams") or ()
        if isinstance(p, dict) and _PARAM_NAME.match(_text(p.get("name")))
    ]
    parts = [code] if re.fullmatch(r"[a-zA-Z0-9]{1,25}", code) else []
    if names:
        parts.append("parameters " + ", ".join(names[:10]))
    return f" ({'; '.join(parts)})" if parts else ""


# -- the query bodies --------------------------------------------------------------------


def _name_search(query: PersonQuery) -> dict[str, Any] | None:
    surname = _param(query.surname, _SURNAME)
    if not surname or query.birth_date is None:
        return None
    body: dict[str, Any] = {
        "type": "ZoekMetGeslachtsnaamEnGeboortedatum",
        "geslachtsnaam": surname,
        "geboortedatum": query.birth_date.isoformat(),
        "inclusiefOverledenPersonen": True,
        "fields": list(SEARCH_FIELDS),
    }
    prefix = _param(query.prefix, _PREFIX)
    if prefix:
        body["voorvoegsel"] = prefix
    return body


def _address_search(query: PersonQuery) -> dict[str, Any] | None:
    """By address, narrowed by the birth date, or without one by the surname."""
    postcode = "".join(query.postcode.split()).upper()
    number = query.house_number
    if not _POSTCODE.match(postcode) or number is None or not 1 <= number <= 99999:
        return None
    body: dict[str, Any] = {
        "type": "ZoekMetPostcodeEnHuisnummer",
        "postcode": postcode,
        "huisnummer": number,
        "inclusiefOverledenPersonen": True,
        "fields": list(SEARCH_FIELDS),
    }
    if query.birth_date is not None:
        # Not the surname: the signal may use a name the search does not know (naamgebruik).
        body["geboortedatum"] = query.birth_date.isoformat()
    else:
        surname = _param(query.surname, _SURNAME)
        if not surname:
            return None
        body["geslachtsnaam"] = surname
    if letter := _param(query.house_letter, _HOUSE_LETTER):
        body["huisletter"] = letter
    if addition := _param(query.addition, _ADDITION):
        body["huisnummertoevoeging"] = addition
    return body
