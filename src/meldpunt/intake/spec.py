"""The intake format: one specification for the web form, files and the API.

Every field has a Dutch name (file column), a label for messages, a kind that says how raw text
is parsed, and whether it is required. docs/intake-formaat.md describes the same table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from meldpunt.core.parsing import (
    FALSE_WORDS,
    TRUE_WORDS,
    FieldError,
    parse_amount,
    parse_bool,
    parse_date,
    parse_postcode,
)
from meldpunt.core.validators import FORMULA_MESSAGE, email_address_problem, starts_like_formula
from meldpunt.organisations.models import PartnerType

from . import rules


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str
    required: bool = False
    max_length: int = 100
    # The kinds of signal partner that deliver this field (None: every kind). A field of
    # another kind is refused: a partner sends only what its kind needs (data minimisation).
    types: frozenset[str] | None = None

    def delivered_by(self, partner_type: str) -> bool:
        return self.types is None or partner_type in self.types


P = PartnerType
RENT = frozenset({P.HUUR})
NOT_RENT = frozenset(P.values) - RENT
INSURANCE = frozenset({P.ZORG, P.CAK_ZORGVERZEKERINGEN})


# Labels are Dutch in messages (files and the API answer in Dutch); the form shows them in
# the user's language, so they are marked for the catalogue here.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("partner_referentie", gettext_noop("Referentie verhuurder"), "text", True, 60),
    FieldSpec("voorletters", gettext_noop("Voorletters"), "text", False, 20),
    FieldSpec("tussenvoegsel", gettext_noop("Tussenvoegsel"), "text", False, 20),
    FieldSpec("achternaam", gettext_noop("Achternaam"), "text", True, 100),
    FieldSpec("geboortedatum", gettext_noop("Geboortedatum"), "date"),
    FieldSpec("straat", gettext_noop("Straat"), "text", False, 100),
    FieldSpec("huisnummer", gettext_noop("Huisnummer"), "housenumber", True),
    FieldSpec("huisletter", gettext_noop("Huisletter"), "houseletter", False, 1),
    FieldSpec("huisnummertoevoeging", gettext_noop("Huisnummertoevoeging"), "text", False, 4),
    FieldSpec("postcode", gettext_noop("Postcode"), "postcode", True),
    FieldSpec("woonplaats", gettext_noop("Woonplaats"), "text", False, 80),
    FieldSpec("telefoonnummer", gettext_noop("Telefoonnummer"), "phone"),
    FieldSpec("email", gettext_noop("E-mailadres"), "email", False, 254),
    FieldSpec("achterstand_bedrag", gettext_noop("Achterstand (bedrag)"), "amount", True),
    FieldSpec("maandhuur", gettext_noop("Maandhuur"), "amount", types=RENT),
    FieldSpec("maanden_achterstand", gettext_noop("Maanden achterstand"), "months", types=NOT_RENT),
    FieldSpec(
        "maandtermijn",
        gettext_noop("Maandtermijn (voorschot)"),
        "amount",
        types=frozenset({P.ENERGIE}),
    ),
    FieldSpec("maandpremie", gettext_noop("Maandpremie"), "amount", types=INSURANCE),
    FieldSpec("maandlast", gettext_noop("Maandlast"), "amount", types=frozenset({P.HYPOTHEEK})),
    FieldSpec("achterstand_sinds", gettext_noop("Achterstand sinds"), "date"),
    FieldSpec("signaaldatum", gettext_noop("Signaaldatum"), "date"),
    FieldSpec("onbereikbaar_in_incasso", gettext_noop("Onbereikbaar in incasso"), "bool"),
    FieldSpec("meerdere_problemen", gettext_noop("Meerdere problemen"), "bool"),
    FieldSpec("crisissignaal", gettext_noop("Crisissignaal"), "bool"),
    FieldSpec("warme_overdracht", gettext_noop("Warme overdracht"), "bool"),
    FieldSpec(
        "poging_persoonlijk_contact", gettext_noop("Poging tot persoonlijk contact"), "date", True
    ),
    FieldSpec(
        "gewezen_op_schuldhulp", gettext_noop("Gewezen op schuldhulpverlening"), "date", True
    ),
    FieldSpec("schriftelijke_herinnering", gettext_noop("Schriftelijke herinnering"), "date", True),
    FieldSpec(
        "informatieplicht_voldaan",
        gettext_noop("Huurder geïnformeerd over doorgeven"),
        "date",
        True,
    ),
    # A health insurer first offers a payment plan (Zorgverzekeringswet art. 18a).
    FieldSpec(
        "aanbod_betalingsregeling",
        gettext_noop("Betalingsregeling aangeboden"),
        "date",
        True,
        types=frozenset({P.ZORG}),
    ),
    FieldSpec("bezwaar_huurder", gettext_noop("Bezwaar van de huurder"), "bool"),
    FieldSpec(
        "medehuurder_voorletters",
        gettext_noop("Voorletters medehuurder"),
        "text",
        False,
        20,
        RENT,
    ),
    FieldSpec(
        "medehuurder_tussenvoegsel",
        gettext_noop("Tussenvoegsel medehuurder"),
        "text",
        False,
        20,
        RENT,
    ),
    FieldSpec(
        "medehuurder_achternaam",
        gettext_noop("Achternaam medehuurder"),
        "text",
        False,
        100,
        RENT,
    ),
    FieldSpec(
        "medehuurder_geboortedatum",
        gettext_noop("Geboortedatum medehuurder"),
        "date",
        types=RENT,
    ),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
PERSON_FIELDS = (
    "voorletters",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "straat",
    "huisnummer",
    "huisletter",
    "huisnummertoevoeging",
    "postcode",
    "woonplaats",
    "telefoonnummer",
    "email",
)
# A co-tenant (medehuurder) on the same contract: the same household, so a later signal about
# them joins the same case (docs/adr/0008-case-file.md).
CO_TENANT_FIELDS = (
    "medehuurder_voorletters",
    "medehuurder_tussenvoegsel",
    "medehuurder_achternaam",
    "medehuurder_geboortedatum",
)
ARREARS_FIELDS = (
    "achterstand_bedrag", "maandhuur", "achterstand_sinds", "maanden_achterstand",
    "maandtermijn", "maandpremie", "maandlast", "aanbod_betalingsregeling",
)  # fmt: skip


def fields_for(partner_type: str) -> tuple[FieldSpec, ...]:
    """The fields a signal partner of this kind delivers, in the format's order."""
    return _FIELDS_FOR[partner_type]


def arrears_fields_for(partner_type: str) -> tuple[str, ...]:
    names = {f.name for f in fields_for(partner_type)}
    return tuple(n for n in ARREARS_FIELDS if n in names)


VOORTRAJECT_FIELDS = (
    "poging_persoonlijk_contact",
    "gewezen_op_schuldhulp",
    "schriftelijke_herinnering",
    "informatieplicht_voldaan",
)
FORBIDDEN_COLUMNS = {"bsn", "burgerservicenummer", "sofinummer", "sofi_nummer"}

_PHONE = re.compile(r"^\+?[0-9]{9,15}$")


def parse_text(value: Any, spec: FieldSpec) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a reference typed as a number in Excel
    raw = str(value if value is not None else "")
    text = " ".join(raw.split())
    if len(text) > spec.max_length:
        raise FieldError(f"Te lang: hoogstens {spec.max_length} tekens.")
    # The raw start too: a leading tab or CR is a formula trigger, though whitespace is trimmed.
    if raw.startswith(("\t", "\r")) or starts_like_formula(text):
        raise FieldError(FORMULA_MESSAGE)
    return text


def parse_value(spec: FieldSpec, value: Any) -> Any:
    if isinstance(value, list | dict | tuple | set):
        raise FieldError("Ongeldige waarde: verwacht tekst, een getal of ja/nee.")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise FieldError("Bevat een ongeldig teken.") from None
        if "\x00" in value:
            raise FieldError("Bevat een ongeldig teken.")
    kind = spec.kind
    if kind == "date":
        return parse_date(value)
    if kind == "amount":
        return parse_amount(value)
    if kind == "months":
        return parse_months(value)
    if kind == "bool":
        return parse_bool(value)
    if kind == "postcode":
        return parse_postcode(value) if str(value or "").strip() else ""
    if kind == "housenumber":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value if value is not None else "").strip()
        if not text:
            return None
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= 99999:
            raise FieldError("Een huisnummer is een getal van 1 tot en met 99999.")
        return int(text)
    if kind == "houseletter":
        text = str(value or "").strip()
        if text and not (len(text) == 1 and text.isalpha()):
            raise FieldError("Een huisletter is één letter.")
        return text.upper()
    if kind == "phone":
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = "0" + str(int(value))  # Excel drops the leading zero of a number cell
        else:
            text = re.sub(r"[\s\-().]", "", str(value or ""))
        if not text:
            return ""
        if not _PHONE.match(text):
            raise FieldError("Geen geldig telefoonnummer, gebruik bijvoorbeeld 06 12345678.")
        return text
    if kind == "email":
        text = str(value or "").strip()
        if not text:
            return ""
        problem = email_address_problem(text)
        if problem is not None:
            raise FieldError(problem)
        return text.lower()
    return parse_text(value, spec)


def is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


_FAST_DATE_NL = re.compile(r"(\d\d)-(\d\d)-(\d{4})", re.ASCII)
_FAST_DATE_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)", re.ASCII)
_FAST_AMOUNT = re.compile(r"(\d{1,6})(?:[.,](\d\d))?", re.ASCII)
_FAST_POSTCODE = re.compile(r"[1-9][0-9]{3}[A-Z]{2}")  # ASCII digits, as stdnum
_FAST_EMAIL = re.compile(
    r"[a-z0-9_][a-z0-9_%+-]*(?:\.[a-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}",
    re.IGNORECASE | re.ASCII,
)
_BOOLS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
_MISS = object()


# The dates a file's rows give, by their text: a file repeats the same few dates (the
# voortraject's, the signal date) and birth dates repeat too. Bounded: emptied when full.
_DATES: dict[str, date] = {}
_DATES_HELD = 50_000


def _fast_date(text: str) -> Any:
    known = _DATES.get(text)
    if known is not None:
        return known
    match = _FAST_DATE_NL.fullmatch(text)
    if match:
        day, month, year = match.groups()
    else:
        match = _FAST_DATE_ISO.fullmatch(text)
        if not match:
            return _MISS
        year, month, day = match.groups()
    try:
        parsed = date(int(year), int(month), int(day))
    except ValueError:
        return _MISS
    if len(_DATES) >= _DATES_HELD:
        _DATES.clear()
    _DATES[text] = parsed
    return parsed


def _fast_amount(text: str) -> Any:
    match = _FAST_AMOUNT.fullmatch(text)
    if not match:
        return _MISS
    whole, cents = match.groups()
    amount = Decimal(f"{whole}.{cents or '00'}")
    return amount if amount > 0 else _MISS


def _fast_bool(text: str) -> Any:
    value = _BOOLS.get(text)  # "ja", "nee" as most files write them
    if value is None:
        return _BOOLS.get(text.strip().casefold(), _MISS)
    return value


def _fast_phone(text: str) -> Any:
    # Digits only, 9 to 15 of them: nothing for the general path to strip, and its pattern
    # matches.
    if 9 <= len(text) <= 15 and text.isascii() and text.isdigit():
        return text
    return _MISS


def _fast_housenumber(text: str) -> Any:
    if text.isascii() and text.isdigit():
        number = int(text)
        if 0 < number <= 99999:
            return number
    return _MISS


def _fast_postcode(text: str) -> Any:
    compact = text.replace(" ", "", 1).upper()
    if _FAST_POSTCODE.fullmatch(compact) and compact[4:] not in ("SA", "SD", "SS"):
        return compact
    return _MISS


def _fast_email(text: str) -> Any:
    if len(text) <= 254 and _FAST_EMAIL.fullmatch(text) and text.index("@") <= 64:
        return text.lower()
    return _MISS


def _fast_text(spec: FieldSpec) -> Any:
    limit = spec.max_length

    def parse(text: str) -> Any:
        if text[:1] in ("\t", "\r"):
            return _MISS
        text = " ".join(text.split())
        if not text or len(text) > limit or text[:1] in ("=", "+", "@", "-"):
            return _MISS
        return text

    return parse


# The common, well-formed text of each kind, parsed without the general path's checks. Each
# returns _MISS for anything else, which then takes the general path (and its messages), so the
# result is the same either way (tests/test_intake_spec.py compares both on odd input).
_FAST: dict[str, Any] = {
    "date": _fast_date,
    "amount": _fast_amount,
    "bool": _fast_bool,
    "postcode": _fast_postcode,
    "email": _fast_email,
    "phone": _fast_phone,
    "housenumber": _fast_housenumber,
}
_FIELDS_FOR = {t: tuple(f for f in FIELDS if f.delivered_by(t)) for t in PartnerType.values}
_FOREIGN = {t: {f.name: f for f in FIELDS if not f.delivered_by(t)} for t in PartnerType.values}


def foreign_field_message(partner_type: str) -> str:
    """Why a field of another kind of signal partner is refused."""
    return (
        f"Dit veld hoort niet bij een signaal van een signaalpartner van de soort "
        f"{PartnerType(partner_type).label}; laat het weg."
    )


def parse_months(value: Any) -> Decimal | None:
    """Months in arrears: 1, 2, 1,5 or 1.5; from 0.5 up to 120."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError("Geef een aantal maanden, bijvoorbeeld 2.")
    text = str(value).strip().replace(",", ".")
    if not re.fullmatch(r"[0-9]{1,3}(\.[0-9])?", text, re.ASCII):
        raise FieldError("Geef een aantal maanden, bijvoorbeeld 2 of 1,5.")
    months = Decimal(text)
    if not Decimal("0.5") <= months <= 120:
        raise FieldError("Een aantal maanden ligt tussen 0,5 en 120.")
    return months


def _empty_results(spec: FieldSpec) -> tuple[Any, Any] | None:
    """What the general path makes of an optional field left out (None) or left empty ("").

    Most rows leave most optional fields empty; the answer is the same every time, so it is
    worked out once here by the general path itself (None: it refuses, never shortcut)."""
    if spec.required:
        return None
    try:
        return parse_value(spec, None), parse_value(spec, "")
    except FieldError:
        return None


_EMPTY = {f.name: _empty_results(f) for f in FIELDS}
# Per kind of partner, each field's parsing worked out once: (name, spec, fast path, what the
# general path makes of it left out or empty).
_PLANS = {
    t: tuple(
        (
            spec.name,
            spec,
            _FAST.get(spec.kind) or (_fast_text(spec) if spec.kind == "text" else None),
            _EMPTY[spec.name],
        )
        for spec in fields
    )
    for t, fields in _FIELDS_FOR.items()
}
# The date fields (checked against today and 1900) and the voortraject's steps, per kind.
_DATE_FIELDS = {
    t: tuple((f.name, f.label) for f in fields if f.kind == "date")
    for t, fields in _FIELDS_FOR.items()
}
_STEPS = {t: (*VOORTRAJECT_FIELDS, *rules.EXTRA_STEPS.get(t, {})) for t in _FIELDS_FOR}


def _row_is_clean(raw: Mapping[str, Any]) -> bool:
    """No NUL and no unencodable character anywhere in the row's text (checked once per row)."""
    try:
        text = "".join(raw.values())  # a file's row: text only
    except TypeError:
        text = "".join(v for v in raw.values() if isinstance(v, str))
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _add_first(errors: dict[str, list[str]], field: str, message: str) -> None:
    """The message for a field unless the field has one already (its first problem counts)."""
    if field not in errors:
        errors.setdefault(field, []).append(message)


def parse_signal(
    raw: Mapping[str, Any], *, today: date, partner_type: str = PartnerType.HUUR
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Parse and check one signal of a partner of this kind. Returns (values, errors per field);
    errors is empty if valid. A field that belongs to another kind of partner is refused.

    ``today`` is passed in, so a whole file is checked against one date.
    """
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    clean = _row_is_clean(raw)
    foreign = _FOREIGN[partner_type]
    if not foreign.keys().isdisjoint(raw):
        for name, value in raw.items():
            if name in foreign and not is_empty(value) and value is not False:
                errors.setdefault(name, []).append(foreign_field_message(partner_type))
    for name, spec, fast, empty in _PLANS[partner_type]:
        value = raw.get(name)
        if value is None or value == "":
            if empty is not None:
                values[name] = empty[0] if value is None else empty[1]
                continue
        elif clean and fast is not None and type(value) is str:
            parsed = fast(value)
            if parsed is not _MISS:
                values[name] = parsed
                continue
        if spec.required and is_empty(value):
            errors.setdefault(name, []).append(f"{spec.label} is verplicht.")
            continue
        try:
            values[name] = parse_value(spec, value)
        except FieldError as exc:
            errors.setdefault(name, []).append(str(exc))

    for name, label in _DATE_FIELDS[partner_type]:
        day = values.get(name)
        if isinstance(day, date):
            if day > today:
                _add_first(errors, name, f"{label} ligt in de toekomst.")
            elif day.year < 1900:
                _add_first(errors, name, f"{label} ligt voor 1900.")
    birth = values.get("geboortedatum")
    since = values.get("achterstand_sinds")
    if birth and since and since < birth:
        _add_first(errors, "achterstand_sinds", "Achterstand sinds ligt voor de geboortedatum.")
    signal_date = values.get("signaaldatum")
    if signal_date and since and since > signal_date:
        _add_first(errors, "achterstand_sinds", "Achterstand sinds ligt na de signaaldatum.")
    for name, (_row, message) in rules.voortraject(
        {name: values.get(name) for name in _STEPS[partner_type]},
        signal_date=signal_date,
        objection=bool(values.get("bezwaar_huurder")),
        partner_type=partner_type,
    ).items():
        _add_first(errors, name, message)
    for name, (_row, message) in rules.natural_persons(
        surname=values.get("achternaam") or "",
        co_tenant_surname=values.get("medehuurder_achternaam") or "",
        co_tenant_birth_date=values.get("medehuurder_geboortedatum"),
        co_tenant_given=any(map(values.get, CO_TENANT_FIELDS)),
    ).items():
        _add_first(errors, name, message)
    return values, errors
