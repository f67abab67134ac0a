"""Synthetic signal files for benchmarks: realistic Amsterdam postcodes, mostly new households."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from tests.corpus.build import COLUMNS

RANGES = [
    (1011, 1018),
    (1019, 1019),
    (1020, 1039),
    (1050, 1059),
    (1060, 1069),
    (1070, 1083),
    (1086, 1099),
    (1100, 1109),
    (1380, 1384),
]
SURNAMES = [
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "Yilmaz",
    "El Amrani",
    "Pinas",
    "Kramer",
    "Dekker",
    "Brouwer",
]
LETTERS = "ABCEGHJKLMNPRTVWXZ"  # no S, D, A pairs: SA, SD and SS are not used in Dutch postcodes


def write_csv(path: Path, rows: int, seed: int = 7) -> Path:
    rnd = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for i in range(rows):
            start, end = RANGES[i % len(RANGES)]
            postcode = f"{rnd.randint(start, end)} {rnd.choice(LETTERS)}{rnd.choice(LETTERS)}"
            amount = f"{rnd.randint(800, 6000)},{rnd.randint(0, 99):02d}"
            writer.writerow(
                [
                    f"B-{i:08d}",
                    "A.",
                    "",
                    f"{rnd.choice(SURNAMES)}{i % 997}",
                    f"{rnd.randint(1, 28):02d}-{rnd.randint(1, 12):02d}-{rnd.randint(1940, 2004)}",
                    "Teststraat",
                    str(rnd.randint(1, 400)),
                    "",
                    "",
                    postcode,
                    "Amsterdam",
                    f"06{rnd.randint(10000000, 99999999)}",
                    f"huurder{i}@example.org",
                    amount,
                    "725,00",
                    "01-06-2026",
                    "01-10-2026",
                    "ja",
                    "nee",
                    "nee",
                    "nee",
                    "01-08-2026",
                    "05-08-2026",
                    "10-08-2026",
                    "10-08-2026",
                    "nee",
                ]
            )
    return path


# Every kind of signal partner (DDAS EnumSignaalpartner) with the partner the bench files as:
# the demo's landlord for rent, a partner of that kind made by the bench for the others.
KINDS = (
    "Huur", "Energie", "Water", "CAK Zorgverzekeringen", "Zorg", "Hypotheek", "DUO",
    "Belastingdienst", "Dienst Toeslagen", "CAK Eigen bijdrage", "Overige",
)  # fmt: skip
MIXED_PARTNERS = tuple(
    ("eigen-haard" if kind == "Huur" else "bench-" + kind.lower().replace(" ", "-"), kind)
    for kind in KINDS
)
# What each kind delivers beyond the common fields (docs/intake-formaat.md; intake.spec).
_EXTRA = {
    "Huur": {"maandhuur": "725,00"},
    "Energie": {"maanden_achterstand": "4", "maandtermijn": "140,00"},
    "CAK Zorgverzekeringen": {"maanden_achterstand": "4", "maandpremie": "142,50"},
    "Zorg": {
        "maanden_achterstand": "4",
        "maandpremie": "142,50",
        "aanbod_betalingsregeling": "15-08-2026",
    },
    "Hypotheek": {"maanden_achterstand": "4", "maandlast": "1.100,00"},
}


def _person(i: int, seed: int) -> dict[str, str]:
    """Person ``i`` of a generated population: the same ``i`` gives the same person."""
    rnd = random.Random(seed * 1_000_003 + i)
    start, end = RANGES[i % len(RANGES)]
    return {
        "voorletters": "A.",
        "tussenvoegsel": "",
        "achternaam": f"{rnd.choice(SURNAMES)}{i % 997}",
        "geboortedatum": f"{rnd.randint(1, 28):02d}-{rnd.randint(1, 12):02d}-"
        f"{rnd.randint(1940, 2004)}",
        "straat": "Teststraat",
        "huisnummer": str(rnd.randint(1, 400)),
        "huisletter": "",
        "huisnummertoevoeging": "",
        "postcode": f"{rnd.randint(start, end)} {rnd.choice(LETTERS)}{rnd.choice(LETTERS)}",
        "woonplaats": "Amsterdam",
        "telefoonnummer": f"06{rnd.randint(10000000, 99999999)}",
        "email": f"inwoner{i}@example.org",
    }


def write_partner_csv(
    path: Path, rows: int, kind: str, seed: int = 7, offset: int = 0, step: int = 0
) -> Path:
    """A file from a partner of ``kind``: rows ``offset`` … ``offset + rows - 1`` of a mixed
    set. With ``step``, every third row is about the person ``step`` rows back (the previous
    kind's file at that place), so one person has signals from several creditors (one
    household file, issue 10)."""
    extra = _EXTRA.get(kind, {"maanden_achterstand": "4"})
    columns = [c for c in COLUMNS if c != "maandhuur"] + list(extra)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, columns, delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        for n in range(rows):
            i = offset + n
            person = i - step if step and n % 3 == 0 else i
            rnd = random.Random(seed * 7_919 + i)
            writer.writerow(
                {
                    "partner_referentie": f"{kind[:3].upper()}-{i:08d}",
                    **_person(person, seed),
                    "achterstand_bedrag": f"{rnd.randint(800, 6000)},{rnd.randint(0, 99):02d}",
                    "achterstand_sinds": "01-06-2026",
                    "signaaldatum": "01-10-2026",
                    "onbereikbaar_in_incasso": "ja",
                    "meerdere_problemen": "nee",
                    "crisissignaal": "nee",
                    "warme_overdracht": "nee",
                    "poging_persoonlijk_contact": "01-08-2026",
                    "gewezen_op_schuldhulp": "05-08-2026",
                    "schriftelijke_herinnering": "10-08-2026",
                    "informatieplicht_voldaan": "10-08-2026",
                    "bezwaar_huurder": "nee",
                    **extra,
                }
            )
    return path
