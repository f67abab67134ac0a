"""The income administration that does the withholding for Geregelde betaling, behind a
pluggable adapter (as the registers are: ``MELDPUNT_INCOME_ADMINISTRATION``).

The Meldpunt never withholds anything itself: it instructs the municipality's benefits system
(start, change, stop) and reads its answer back. ``FileIncomeAdministration`` writes one CSV
batch per day for systems that import files and reads their receipt files back; the format is
in docs/geregelde-betaling-bestanden.md. An HTTP adapter implements the same protocol.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

INSTRUCTION_COLUMNS = (
    "opdracht_id",
    "soort",
    "klantnummer",
    "huur_per_maand",
    "aflossing_per_maand",
    "betalingskenmerk",
    "ontvanger",
    "eerste_periode",
    "laatste_periode",
)
RECEIPT_COLUMNS = ("opdracht_id", "resultaat", "datum", "toelichting")
RESULTS = {"verwerkt": True, "afgewezen": False}


@dataclass(frozen=True)
class Instruction:
    """One instruction as the income administration receives it (personal data: never log)."""

    id: str
    kind: str  # start, wijziging, stop
    client_number: str
    rent_amount: str  # "650.00"
    arrears_instalment: str  # "50.00" or ""
    payment_reference: str
    payee: str  # the landlord the rent goes to
    first_period: str  # "2026-01" (year-month)
    last_period: str  # "" when open-ended

    def __repr__(self) -> str:
        return f"Instruction(id={self.id!r}, kind={self.kind!r})"


@dataclass(frozen=True)
class ReceiptLine:
    number: int  # line in the file (the header is line 1)
    instruction_id: str
    done: bool
    on: date
    note: str


@dataclass(frozen=True)
class ReceiptFile:
    name: str
    content: bytes


class IncomeAdministrationUnavailable(Exception):
    """The other side could not take the instruction now; the outbox tries again later. The
    message says what went wrong in Dutch, never whom it was about."""


class ReceiptError(Exception):
    """A receipt file that cannot be read: the Dutch message names the line and the problem."""


class IncomeAdministration(Protocol):
    def deliver(self, instruction: Instruction) -> str:
        """Hand over one instruction; returns where it went (batch file, request id).

        Must be idempotent by ``instruction.id``: a worker killed after delivering but before
        recording it delivers it again after a restart, and the other side must get it once.
        Raises IncomeAdministrationUnavailable when it cannot be delivered now.
        """
        ...

    def receipts(self) -> list[ReceiptFile]:
        """Receipt files (or answers) waiting to be read, oldest first."""
        ...

    def receipt_handled(self, name: str, *, accepted: bool, message: str) -> None:
        """Put a read receipt away: applied, or refused with ``message``."""
        ...

    def forget_exchanged(
        self, *, before: datetime, answered: Callable[[set[str]], bool]
    ) -> list[str]:
        """Retention: remove what the exchange still holds of instructions the other side has
        answered (``answered(ids)`` says whether all of these were), and put-away receipts,
        older than ``before``; returns what was removed (names, no personal data). An adapter
        that keeps nothing returns []."""
        ...


def parse_receipt(content: bytes) -> list[ReceiptLine]:
    """The lines of a receipt file (docs/geregelde-betaling-bestanden.md), or ReceiptError."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReceiptError("Het bestand is geen UTF-8-tekst.") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = next(reader, None)
    if header is None or tuple(h.strip().casefold() for h in header) != RECEIPT_COLUMNS:
        raise ReceiptError("Regel 1: de kolommen moeten zijn: " + ";".join(RECEIPT_COLUMNS) + ".")
    lines: list[ReceiptLine] = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(RECEIPT_COLUMNS):
            raise ReceiptError(f"Regel {number}: verwacht {len(RECEIPT_COLUMNS)} kolommen.")
        raw_id, result, on, note = (cell.strip() for cell in row)
        try:
            instruction_id = str(uuid.UUID(raw_id))
        except ValueError:
            raise ReceiptError(f"Regel {number}: '{raw_id[:40]}' is geen opdracht-id.") from None
        if result.casefold() not in RESULTS:
            raise ReceiptError(f"Regel {number}: resultaat moet 'verwerkt' of 'afgewezen' zijn.")
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise ReceiptError(f"Regel {number}: datum moet JJJJ-MM-DD zijn.") from None
        lines.append(ReceiptLine(number, instruction_id, RESULTS[result.casefold()], day,
                                 note[:250]))  # fmt: skip
    if not lines:
        raise ReceiptError("Het bestand bevat geen regels na de kopregel.")
    return lines


class FileIncomeAdministration:
    """Daily CSV batches in ``<dir>/uit``, receipt files from ``<dir>/in`` (put away in
    ``in/verwerkt`` or ``in/geweigerd``, a refused one with a ``.fout.txt`` beside it)."""

    def __init__(self, directory: str | os.PathLike | None = None) -> None:
        self.directory = Path(directory or settings.MELDPUNT_INCOME_FILE_DIR)

    def batch_path(self, day: date) -> Path:
        return self.directory / "uit" / f"opdrachten-{day:%Y-%m-%d}.csv"

    def deliver(self, instruction: Instruction) -> str:
        outbox = self.directory / "uit"
        try:
            outbox.mkdir(parents=True, exist_ok=True)
            # One lock for every batch: two workers never write the same file at once.
            with (outbox / ".lock").open("a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                for existing in sorted(outbox.glob("opdrachten-*.csv")):
                    if instruction.id in _ids_in(existing):
                        return existing.name  # delivered before a crash: once only
                path = self.batch_path(timezone.localdate())
                new = not path.exists()
                with path.open("a", encoding="utf-8", newline="") as out:
                    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
                    if new:
                        writer.writerow(INSTRUCTION_COLUMNS)
                    writer.writerow(
                        [instruction.id, instruction.kind, instruction.client_number,
                         instruction.rent_amount, instruction.arrears_instalment,
                         instruction.payment_reference, instruction.payee,
                         instruction.first_period, instruction.last_period]
                    )  # fmt: skip
                    out.flush()
                    os.fsync(out.fileno())
                return path.name
        except OSError as exc:
            raise IncomeAdministrationUnavailable(
                f"De map voor opdrachten aan de inkomensadministratie is niet beschikbaar "
                f"({exc.__class__.__name__})."
            ) from None

    def receipts(self) -> list[ReceiptFile]:
        inbox = self.directory / "in"
        if not inbox.is_dir():
            return []
        return [
            ReceiptFile(path.name, path.read_bytes())
            for path in sorted(inbox.glob("*.csv"), key=lambda p: (p.stat().st_mtime, p.name))
        ]

    def receipt_handled(self, name: str, *, accepted: bool, message: str) -> None:
        inbox = self.directory / "in"
        target = inbox / ("verwerkt" if accepted else "geweigerd")
        target.mkdir(exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
        moved = target / f"{stamp}-{name}"
        (inbox / name).replace(moved)
        if not accepted:
            moved.with_name(moved.name + ".fout.txt").write_text(message + "\n", encoding="utf-8")

    def forget_exchanged(
        self, *, before: datetime, answered: Callable[[set[str]], bool]
    ) -> list[str]:
        removed: list[str] = []
        outbox = self.directory / "uit"
        if outbox.is_dir():
            # Under the delivery lock: a batch is never removed while an instruction is being
            # looked up or appended. Only a batch whose every instruction was answered goes:
            # the other side has imported it, so no retry can need it for "exactly once".
            with (outbox / ".lock").open("a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                for path in sorted(outbox.glob("opdrachten-*.csv")):
                    if _older(path, before) and answered(_ids_in(path) - {"opdracht_id"}):
                        path.unlink(missing_ok=True)
                        removed.append(f"uit/{path.name}")
        for kept in ("verwerkt", "geweigerd"):
            folder = self.directory / "in" / kept
            if folder.is_dir():
                for path in sorted(folder.iterdir()):
                    if path.is_file() and _older(path, before):
                        path.unlink(missing_ok=True)
                        removed.append(f"in/{kept}/{path.name}")
        return removed


def _older(path: Path, before: datetime) -> bool:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=before.tzinfo) < before


def _ids_in(path: Path) -> set[str]:
    with path.open(encoding="utf-8", newline="") as batch:
        return {row[0] for row in csv.reader(batch, delimiter=";") if row}


@cache
def income_administration() -> IncomeAdministration:
    return import_string(settings.MELDPUNT_INCOME_ADMINISTRATION)()
