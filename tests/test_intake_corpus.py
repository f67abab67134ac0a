"""The malformed-file corpus: a clear message each, no server error, no partial or double data (issue #3)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from meldpunt.cases.models import Case, Signal
from meldpunt.intake.files import FileRefused, open_signal_file
from meldpunt.intake.models import SignalImport
from meldpunt.intake.services import signal_import_create, signal_import_run
from meldpunt.privacy.models import ProcessingLogEntry

from .corpus.build import EXPECTED, build, csv_text, row

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "corpus" / "files"


def run_import(partner, content: bytes, name: str = "f.csv"):
    batch = signal_import_create(partner=partner, by=None, file_name=name)
    summary = signal_import_run(batch=batch, stream=io.BytesIO(content), by=None)
    return batch, summary


def test_corpus_on_disk_is_what_the_builder_makes():
    built = build()
    assert len(built) >= 25
    assert sorted(p.name for p in FILES.iterdir()) == sorted(built) == sorted(EXPECTED)
    for name, content in built.items():
        if name.endswith(".xlsx"):
            continue  # a workbook stores the time it was written
        assert (FILES / name).read_bytes() == content, f"rebuild the corpus: {name}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name, covenant):
    expected = EXPECTED[name]
    content = (FILES / name).read_bytes()
    if expected[0] == "file":
        with pytest.raises(FileRefused) as refused:
            run_import(covenant["eigen-haard"], content, name)
        assert expected[1] in str(refused.value)
        batch = SignalImport.objects.get()
        assert batch.status == SignalImport.Status.REFUSED and expected[1] in batch.message
        assert Signal.objects.count() == 0 and Case.objects.count() == 0
        assert ProcessingLogEntry.objects.count() == 0
        return
    _, accepted, refused, message = expected
    batch, summary = run_import(covenant["eigen-haard"], content, name)
    assert (summary.accepted, summary.refused) == (accepted, refused)
    new = summary.accepted - summary.already_received
    assert Signal.objects.count() == new  # nothing partial, nothing doubled
    assert ProcessingLogEntry.objects.count() == new
    if message:
        first_refused = next(r for r in summary.rows if r.status == "refused")
        assert any(message in e for e in first_refused.errors), first_refused.errors
    # Delivering the same file again adds nothing.
    _, again = run_import(covenant["eigen-haard"], content, name)
    assert again.already_received == accepted and Signal.objects.count() == new


def test_ten_megabyte_single_line_is_refused_without_crash(covenant):
    content = b"partner_referentie;" + b"x" * (10 * 1024 * 1024)
    with pytest.raises(FileRefused, match="langer dan 1 MB"):
        run_import(covenant["eigen-haard"], content)
    assert Signal.objects.count() == 0


def test_big_field_inside_valid_header_is_refused_per_file(covenant):
    content = csv_text([row(1)]).encode() + b"REF-2;" + b"y" * 300_000 + b"\r\n"
    with pytest.raises(FileRefused):
        run_import(covenant["eigen-haard"], content)
    assert Signal.objects.count() == 0


def test_decoded_names_survive_mixed_encodings(covenant):
    run_import(covenant["eigen-haard"], (FILES / "mixed-encodings.csv").read_bytes())
    names = sorted(s.person_details["achternaam"] for s in Signal.objects.all())
    assert names == ["Gérard", "Müller"]
    euro = (FILES / "windows-1252-euro.csv").read_bytes()
    run_import(covenant["eigen-haard"], euro)
    celik = [s for s in Signal.objects.all() if s.person_details["achternaam"] == "Çelik"]
    assert celik and celik[0].arrears["achterstand_bedrag"] == "1234.56"


def _counted(content: bytes, how: str):
    """What the structure check (``count``) or reading every row gives: the number of rows,
    or the refusal's message."""
    try:
        opened = open_signal_file(io.BytesIO(content))
        return ("rows", opened.count() if how == "count" else sum(1 for _ in opened.rows))
    except FileRefused as exc:
        return ("refused", str(exc))


@pytest.mark.parametrize(
    "content",
    [
        *(pytest.param((FILES / name).read_bytes(), id=name) for name in sorted(EXPECTED)),
        pytest.param(csv_text([row(1)]).encode() + b"REF-2;" + b"y" * 300_000 + b"\r\n",
                     id="big-field"),
        pytest.param(csv_text([row(1), row(2)]).encode() + b'REF-3;"open\r\n' * 3, id="open-quote"),
        pytest.param(csv_text([row(1)]).encode() + b"x" * 1_100_000, id="long-line"),
        pytest.param(csv_text([row(1)]).encode() + b";;;\r\n \t;\r\n" + b"a;b\r\n", id="blanks"),
    ],
)  # fmt: skip
def test_the_structure_check_counts_the_rows_reading_them_gives(content):
    # The count runs before anything is stored; it must refuse exactly what the rows refuse.
    assert _counted(content, "count") == _counted(content, "rows")
