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
