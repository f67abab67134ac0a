"""The bench's generated files (tests/bench/generate.py) are valid signals for every kind of
signal partner, so `make bench` measures accepted rows, not refusals."""

import csv
from datetime import date

from meldpunt.intake.spec import parse_signal
from meldpunt.organisations.models import PartnerType
from tests.bench.generate import KINDS, MIXED_PARTNERS, write_csv, write_partner_csv


def _rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def test_every_kind_of_partner_is_in_the_mixed_set():
    assert set(KINDS) == set(PartnerType.values)
    assert [kind for _slug, kind in MIXED_PARTNERS] == list(KINDS)


def test_each_kinds_file_is_accepted_by_the_intake_format(tmp_path):
    for index, kind in enumerate(KINDS):
        path = write_partner_csv(tmp_path / f"{index}.csv", 30, kind, offset=index * 30,
                                 step=30 if index else 0)  # fmt: skip
        for raw in _rows(path):
            _values, errors = parse_signal(raw, today=date(2026, 10, 2), partner_type=kind)
            assert errors == {}, (kind, errors)


def test_the_mixed_set_repeats_people_across_creditors(tmp_path):
    first = _rows(write_partner_csv(tmp_path / "a.csv", 9, "Huur"))
    second = _rows(write_partner_csv(tmp_path / "b.csv", 9, "Energie", offset=9, step=9))
    same = [n for n in range(9) if first[n]["achternaam"] == second[n]["achternaam"]
            and first[n]["geboortedatum"] == second[n]["geboortedatum"]]  # fmt: skip
    assert same == [0, 3, 6]


def test_the_rent_file_is_accepted(tmp_path):
    for raw in _rows(write_csv(tmp_path / "rent.csv", 30)):
        _values, errors = parse_signal(raw, today=date(2026, 10, 2), partner_type="Huur")
        assert errors == {}, errors
