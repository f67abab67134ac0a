"""The intake parser's fast path gives exactly what the general path gives (issue #3).

Well-formed text is parsed by short per-kind functions; everything else goes through
``parse_value`` with its Dutch messages. For odd and ordinary input alike the outcome per field
(value, or message) must not depend on which path took it.
"""

from __future__ import annotations

from datetime import date

import pytest

from meldpunt.intake.spec import FIELDS, FieldError, is_empty, parse_signal, parse_value

from .conftest import signal_data

TODAY = date(2026, 11, 27)
VARIANTS = {
    "date": ["01-10-2026", "2026-10-01", "1-10-2026", "31-02-2026", "2026-02-30", "01/10/2026",
             "01.10.2026", " 01-10-2026 ", "2026-1-1", "00-10-2026", "01-13-2026", "0001-01-01",
             "99-99-9999", "20261001", "2026-10-01T00:00", "heden", "", "  "],
    "amount": ["1195,09", "1.234,56", "€ 1.234,56", "1234.56", "12.50", "100", "0,00", "0",
               "000100,00", "1.234", "1,2", "1.2", "999999,99", "1000000", "12,345", "-5,00",
               "5,-", "EUR 12", "1 234,56", "", "abc", "\u0661\u0662\u0663", "+5", "1.234,5"],
    "bool": ["ja", "Nee", "J", "n", "TRUE", "false", "1", "0", " ja ", "waar", "misschien", "",
             "  "],
    "postcode": ["1012 AB", "1012ab", "1012AB", " 1012 AB", "1012  AB", "0123 AB", "1012 SA",
                 "1012 SS", "1012-AB", "10123", "1012 A", "", "12345AB", "1\u066012AB", "1０12AB",
                 "1\u0968\u0967\u0968AB", "1012\tAB"],
    "housenumber": ["12", "007", "0", "100000", " 7 ", "\u00b2", "1\u00b2", "\u2460", "\u0661\u0662",
                    "12a", "", "99999", "000000000012", "1 2", "+7"],
    "phone": ["0612345678", "06 12345678", "06-1234 5678", "(020) 1234567", "+31612345678",
              "12345678", "123456789", "123456789012345", "1234567890123456", "06123456789\n",
              "\u0660612345678", "0612345678\u00b2", "061234567a", "", "  ", "06.12.34.56.78"],
    "email": ["huurder@example.org", "Huurder@Example.ORG", "a.b@c.nl", "a..b@c.nl", ".a@c.nl",
              "a@-c.nl", "a@c", "a@c.n", "a b@c.nl", "x" * 250 + "@c.nl", "a@localhost",
              "ü@c.nl", " a@c.nl", "", "geen", '"a b"@c.nl', "Naam <a@c.nl>", "a@[127.0.0.1]",
              "a@c.nl.", "-a@c.nl", "+a@c.nl", "=a@c.nl", "x" * 65 + "@c.nl", "x" * 64 + "@c.nl",
              "a@" + "b" * 64 + ".nl", "a@c.123", "a@xn--bcher-kva.ch", "a@bücher.ch",
              "a@c..nl", "a.@c.nl", "o'neil@c.nl", "a@c.nl\n", "a@@c.nl", "a@c.nl@d.nl",
              "Ka@c.nl".replace("K", "\u212a")],
    "text": ["Jansen", "  de   Vries ", "=SUM(A1)", "+31", "-5", "-abc", "@x", "x" * 101, "",
             "   ", "Müller", "O'Neil", "a\tb", "\tJansen", "\rJansen", "\t=1+1", " =1+1",
             "\nJansen", "-2+3+cmd|' /C calc'!A0", "-12", "-1a", "-", "@SUM(A1)", "+"],
}  # fmt: skip


def _reference(spec, value):
    if spec.required and is_empty(value):
        return ("error", f"{spec.label} is verplicht.")
    try:
        parsed = parse_value(spec, value)
    except FieldError as exc:
        return ("error", str(exc))
    return ("value", parsed, type(parsed), str(parsed))


def _cases():
    for spec in FIELDS:
        for value in VARIANTS.get(spec.kind, []):
            yield pytest.param(spec, value, id=f"{spec.name}={value[:20]!r}")


@pytest.mark.parametrize(("spec", "value"), list(_cases()))
def test_fast_and_general_paths_agree(spec, value):
    # Parsed as a signal of a partner that delivers the field (rent fields as a landlord's).
    partner_type = "Huur" if spec.types is None or "Huur" in spec.types else sorted(spec.types)[0]
    data = signal_data(**{spec.name: value})
    if partner_type != "Huur":
        data.pop("maandhuur")
    values, errors = parse_signal(data, today=TODAY, partner_type=partner_type)
    expected = _reference(spec, value)
    if expected[0] == "error":
        assert errors.get(spec.name, [None])[0] == expected[1]
    else:
        got = values[spec.name]
        assert (got, type(got), str(got)) == expected[1:]


def test_a_nul_or_lone_surrogate_anywhere_takes_the_general_path():
    _values, errors = parse_signal(signal_data(achternaam="Jan\x00sen"), today=TODAY)
    assert errors["achternaam"] == ["Bevat een ongeldig teken."]
    _values, errors = parse_signal(signal_data(straat="Dam\udcff"), today=TODAY)
    assert errors["straat"] == ["Bevat een ongeldig teken."]


@pytest.mark.parametrize("value", [None, ""], ids=["left-out", "empty"])
@pytest.mark.parametrize("spec", FIELDS, ids=lambda spec: spec.name)
def test_a_field_left_out_or_empty_parses_as_the_general_path_says(spec, value):
    # Empty optional fields take a shortcut worked out once by the general path itself.
    partner_type = "Huur" if spec.types is None or "Huur" in spec.types else sorted(spec.types)[0]
    data = signal_data()
    if partner_type != "Huur":
        data.pop("maandhuur")
    data[spec.name] = value
    values, errors = parse_signal(data, today=TODAY, partner_type=partner_type)
    expected = _reference(spec, value)
    if expected[0] == "error":
        assert errors.get(spec.name, [None])[0] == expected[1]
    else:
        got = values[spec.name]
        assert (got, type(got), str(got)) == expected[1:]
