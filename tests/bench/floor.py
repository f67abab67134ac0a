"""The database's own share of an import: the intake's rows written by raw sqlite3 (ADR 0007).

`python -m tests.bench.floor` migrates a fresh SQLite database, then writes N rows of what one
accepted signal stores (signal, case, two status-history rows, processing-log record) with
plain `executemany` in batches, no Django and no checks, and prints µs per row. This is the
floor the intake's writer can approach; it is not part of `make bench`.
Knobs: FLOOR_ROWS (default 100000), FLOOR_BATCH (default 5000).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from tests.bench.run import prepare


def main() -> None:
    rows = int(os.environ.get("FLOOR_ROWS", "100000"))
    size = int(os.environ.get("FLOOR_BATCH", "5000"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "floor.sqlite3"
        prepare(f"sqlite:///{path}")
        db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536",
                       "foreign_keys=ON"):  # fmt: skip
            db.execute(f"PRAGMA {pragma}")
        key = os.urandom(32)
        counter = itertools.count(1)

        def keyed(*parts: str) -> str:
            return hmac.digest(key, "|".join(parts).encode(), "sha256").hex()[:40]

        def ordered_id() -> str:  # time first, like the intake's UUIDv7 ids
            return f"{time.time_ns() // 1_000_000:012x}{next(counter):020x}"

        activity = db.execute("SELECT id FROM privacy_processingactivity LIMIT 1").fetchone()[0]
        partner = db.execute("SELECT id FROM organisations_organisation LIMIT 1").fetchone()[0]
        district = db.execute("SELECT id FROM organisations_district LIMIT 1").fetchone()[0]
        sequence = db.execute("SELECT COALESCE(MAX(sequence), 0) FROM privacy_processinglogentry")
        sequence = sequence.fetchone()[0]
        details, now = os.urandom(420), "2026-11-27 03:00:00.000000"
        start, commit = time.perf_counter(), 0.0
        for first in range(0, rows, size):
            db.execute("BEGIN IMMEDIATE")
            numbers = range(first, min(first + size, rows))
            cases = [
                (ordered_id(), ordered_id(), keyed("h", str(i)), "toegewezen", "vroeg-eropaf",
                 "automatisch: postcodereeks", 0, now, now, None, None, "", district, partner)
                for i in numbers
            ]  # fmt: skip
            db.executemany(
                "INSERT INTO cases_case (public_id, subject_id, household_index, status, track, "
                "routing_reason, crisis, opened_at, assigned_at, picked_up_on, closed_at, "
                "end_result, district_id, provider_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                cases,
            )
            last = db.execute("SELECT MAX(id) FROM cases_case").fetchone()[0]
            ids = range(last - len(cases) + 1, last + 1)
            history, signals, log = [], [], []
            for i, case_id, case in zip(numbers, ids, cases, strict=True):
                history += [("", "ontvangen", now, "signaal ontvangen", None, partner, case_id),
                            ("ontvangen", "toegewezen", now, "automatisch", None, None, case_id)]  # fmt: skip
                public, subject = ordered_id(), ordered_id()
                signals.append(
                    (public, subject, f"B-{i:08d}", details, case[2], keyed("p", str(i)),
                     keyed("d", str(i)), "bestand", "2026-10-01", now, "2026-08-01",
                     "2026-08-05", "2026-08-10", "2026-08-10", 0, 0, 1, 0, "nog-niet-opgepakt",
                     case_id, district, partner, None, None, "opgenomen in zaak")
                )  # fmt: skip
                sequence += 1
                log.append(
                    ("0" * 32, os.urandom(8).hex(), "signal.receive.bestand", now, now, "ok",
                     "create", subject, "huurder", "signal", public, '["achternaam","postcode"]',
                     None, None, activity, "0" * 64,
                     hashlib.sha256(str(sequence).encode()).hexdigest(), sequence)
                )  # fmt: skip
            db.executemany(
                "INSERT INTO cases_casestatuschange (from_status, to_status, at, reason, by_id, "
                "by_organisation_id, case_id) VALUES (?,?,?,?,?,?,?)",
                history,
            )
            db.executemany(
                "INSERT INTO intake_signal (public_id, subject_id, partner_reference, details, "
                "household_index, person_index, intake_key, channel, signal_date, received_at, "
                "contact_attempted_on, referred_to_debt_help_on, written_reminder_on, "
                "tenant_informed_on, crisis, warm_handover, unreachable_in_collection, "
                "multiple_problems, status, case_id, district_id, partner_id, submitted_by_id, "
                "batch_id, decision) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                signals,
            )
            db.executemany(
                "INSERT INTO privacy_processinglogentry (trace_id, span_id, name, start_time, "
                "end_time, status, action, data_subject_id, data_subject_type, object_type, "
                "object_id, fields, actor_id, actor_organisation_id, processing_activity_id, "
                "prev_hash, entry_hash, sequence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                log,
            )
            before = time.perf_counter()
            db.execute("COMMIT")
            commit += time.perf_counter() - before
        seconds = time.perf_counter() - start
        print(
            f"raw sqlite3 floor: {rows} rows in batches of {size}: {seconds / rows * 1e6:.0f} µs "
            f"per row including building the rows in Python (commit {commit / rows * 1e6:.0f} µs)"
        )


if __name__ == "__main__":
    main()
