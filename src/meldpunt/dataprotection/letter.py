"""The access-request answer as a letter a citizen can read (AVG art. 15, issue #12).

The JSON export (``access.access_request_export``) is the complete, machine-readable record,
with ids and moments. The letter (HTML and PDF) is what the citizen reads: every field under
the label the intake form shows, dates as dd-mm-jjjj, amounts as € 1.234,56, yes/no in words,
status codes as their names, empty fields left out, and no internal ids, pseudonyms, versions
or times of day (ADR 0117).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from meldpunt.cases.workflow import CaseStatus
from meldpunt.core.templatetags.dutch import field_label, format_datum, format_euro
from meldpunt.intake.spec import FIELDS_BY_NAME

Rows = list[tuple[str, str]]

# Keys of the export that are not intake columns, under the words the screens use.
_LABELS = {
    "huurder_geinformeerd": "informatieplicht_voldaan",
}
_AMOUNTS = ("bedrag", "huur", "termijn", "premie", "maandlast")


def label_of(key: str) -> str:
    """The label of a stored field as the intake form shows it, in the user's language."""
    spec = FIELDS_BY_NAME.get(_LABELS.get(key, key))
    return _(spec.label) if spec else field_label(key)


def value_of(key: str, value: Any) -> str:
    """A stored value as a person reads it; "" for nothing (the row is then left out)."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    spec = FIELDS_BY_NAME.get(_LABELS.get(key, key))
    kind = spec.kind if spec else ""
    if kind == "amount" or any(word in key for word in _AMOUNTS):
        shown = format_euro(value)
        if shown.startswith("€"):
            return shown
    if kind == "bool" or (isinstance(value, str) and value in ("true", "false")):
        return _("ja") if str(value).lower() in ("true", "1", "ja", "on") else _("nee")
    if kind == "postcode" and isinstance(value, str) and len(value) == 6:
        return f"{value[:4]} {value[4:]}"
    if kind == "date" or isinstance(value, date | datetime) or _looks_like_a_date(value):
        return format_datum(value)
    return str(value)


def _looks_like_a_date(value: Any) -> bool:
    text = str(value)
    return len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-" and text[:4].isdigit()


def _rows(*pairs: tuple[str, Any]) -> Rows:
    """(label, value) rows for the fixed fields of a section, without the empty ones."""
    return [(label, shown) for label, value in pairs if (shown := _plain(value))]


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if value is None or value == "":
        return ""
    if _looks_like_a_date(value):
        return format_datum(value)
    return str(value)


def _fields(values: dict[str, Any] | None) -> Rows:
    """A dict of stored fields (the person, the arrears, the voortraject) as labelled rows."""
    return [
        (label_of(key), shown)
        for key, value in (values or {}).items()
        if (shown := value_of(key, value))
    ]


def _dated(items: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """Copies of export rows with these date fields as dd-mm-jjjj (and no ids)."""
    return [
        {
            **{k: v for k, v in item.items() if k != "id"},
            **{key: format_datum(item.get(key)) for key in keys},
        }
        for item in items
    ]


def _status(code: str | None) -> str:
    if not code:
        return "—"
    try:
        return str(CaseStatus(code).label)
    except ValueError:
        return code


def access_letter(export: dict[str, Any]) -> dict[str, Any]:
    """The export of one person, arranged as the letter shows it."""
    about = export["inzageverzoek"]
    signals = [
        {
            "partner": s["verhuurder"],
            "received": format_datum(s["ontvangen"]),
            "rows": _rows(
                (label_of("partner_referentie"), s["referentie_verhuurder"]),
                (_("Status"), s["status"]),
                (_("Beslissing bij ontvangst"), s["beslissing_bij_ontvangst"]),
                (_("Stadsdeel"), s["stadsdeel"]),
                (label_of("signaaldatum"), s["signaaldatum"]),
            )
            + _fields(s["persoon"])
            + _fields(s["huurachterstand"])
            + _fields(s["voortraject"])
            + _fields(
                {
                    key: s[key]
                    for key in (
                        "crisissignaal",
                        "warme_overdracht",
                        "onbereikbaar_in_incasso",
                        "meerdere_problemen",
                    )
                    if s.get(key)
                }
            ),
        }
        for s in export["signalen"]
    ]
    cases = [
        {
            "opened": format_datum(c["geopend"]),
            "rows": _rows(
                (_("Status"), c["status"]),
                (_("Route"), c["route"]),
                (_("Uitvoerder"), c["uitvoerder"]),
                (_("Stadsdeel"), c["stadsdeel"]),
                (_("Geopend"), c["geopend"]),
                (_("Toegewezen"), c["toegewezen"]),
                (_("Opgepakt"), c["opgepakt"]),
                (_("Afgesloten"), c["afgesloten"]),
                (_("Eindresultaat"), c["eindresultaat"]),
            ),
            "history": [
                {
                    "on": format_datum(h["op"]),
                    "status": _status(h["naar"]),
                    "reason": h["reden"] or "",
                }
                for h in c["statusgeschiedenis"]
            ],
            "attempts": _dated(c["contactpogingen"], "datum"),
            "notes": _dated(c["notities"], "geschreven"),
            "instruments": [
                {**d, "maandbedrag": format_euro(d["maandbedrag"]) if d["maandbedrag"] else ""}
                for d in _dated(
                    c["instrumenten"], "ingezet_op", "eerste_vervaldatum", "beeindigd_op"
                )
            ],
            "events": _dated(c["gebeurtenissen"], "datum"),
        }
        for c in export["zaken"]
    ]
    return {
        "made_on": format_datum(about["gemaakt_op"]),
        "organisation": about["gemaakt_door_organisatie"],
        "basis": about["grondslag"],
        "signals": signals,
        "cases": cases,
        "co_tenant": [
            {
                "partner": m["verhuurder"],
                "received": format_datum(m["ontvangen"]),
                "rows": _fields(m["medehuurder"]),
            }
            for m in export["genoemd_als_medehuurder"]
        ],
        "tenancies": [
            {
                "partner": t["verhuurder"],
                "reference": t["referentie_verhuurder"],
                "rows": _fields(t["zelf_vastgelegd_door_verhuurder"]),
                "instruments": _dated(
                    t["eigen_instrumenten_verhuurder"], "ingezet_op", "eerste_vervaldatum"
                ),
            }
            for t in export["huurrelaties"]
        ],
        "checks": [
            {
                **t,
                "verklaring_afgegeven": format_datum((t["verklaring"] or {}).get("afgegeven")),
                "verklaring_ingetrokken": format_datum((t["verklaring"] or {}).get("ingetrokken")),
            }
            for t in _dated(export["toetsen_sluitende_aanpak"], "gevraagd_op")
        ],
        "outcomes": _dated(export["uitkomsten"], "datum"),
        "log": [
            {
                "on": format_datum(line["tijdstip"]),
                "action": line["handeling"],
                # the register entry's name, without its version: the citizen asks what for
                "activity": line["verwerking"].rsplit(" (v", 1)[0],
                "organisation": line["organisatie"] or "—",
            }
            for line in export["verwerkingslog"]
        ],
    }
