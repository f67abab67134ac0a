"""BRP adapter throughput against the loopback stand-in of the API (docs/adr/0104).

`python -m tests.bench.brp` looks up BRP_BENCH_PEOPLE people (default 1000) in one
`lookup_people` call, one at a time and 4 at a time, with the server (its own process) answering at once and
with BRP_BENCH_LATENCY_MS (default 20) of added latency per request, and prints people/s and
requests per person. Not part of `make bench` or the suite: the figures describe the adapter
and the loopback fake, not the real BRP.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from tests.bench.run import env_for


def main() -> None:
    people = int(os.environ.get("BRP_BENCH_PEOPLE", "1000"))
    latency = int(os.environ.get("BRP_BENCH_LATENCY_MS", "20")) / 1000
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(env_for(f"sqlite:///{Path(tmp) / 'brp.sqlite3'}"))
        import django

        django.setup()
        from django.core.management import call_command

        from meldpunt.privacy.crypto import blind_index
        from meldpunt.registries.base import PersonQuery
        from meldpunt.registries.haalcentraal import HaalCentraalConfig, HaalCentraalRegistry
        from tests.brp_fake import FakeBrp, persoon, valid_bsns

        call_command("migrate", "--noinput", verbosity=0)
        numbers = valid_bsns()
        births = [date(1940, 1, 1) + timedelta(days=i) for i in range(people)]
        fake = FakeBrp(
            [
                persoon(next(numbers), f"Naam{i}", b, partners=(("", f"Anders{i}"),))
                for i, b in enumerate(births)
            ]
        )
        # Half found by name, a quarter by address (a partner's name), a quarter not found.
        queries = [
            PersonQuery(
                blind_index("person", f"Naam{i}", b.isoformat()),
                f"Naam{i}" if i % 4 < 2 else f"Anders{i}",
                "",
                b if i % 4 != 3 else date(1900, 1, 1),
                "1012AB",
                1,
                "",
                "",
            )
            for i, b in enumerate(births)
        ]
        for delay in (0.0, latency):
            parent, child = multiprocessing.get_context("fork").Pipe()
            server = multiprocessing.get_context("fork").Process(
                target=serve, args=(fake, delay, child), daemon=True
            )
            server.start()
            url = parent.recv()
            for concurrency in (1, 4):
                config = HaalCentraalConfig(
                    url=url, municipality_codes=frozenset({"0363"}), concurrency=concurrency
                )
                registry = HaalCentraalRegistry(config)
                started = time.perf_counter()
                found = registry.lookup_people(queries)
                seconds = time.perf_counter() - started
                registry.close()
                parent.send("count")
                requests = parent.recv()
                print(
                    f"latency {delay * 1000:.0f} ms, concurrency {concurrency}: "
                    f"{people} people in {seconds:.2f} s = {people / seconds:,.0f} people/s, "
                    f"{requests / people:.2f} requests/person, {len(found)} found"
                )
            parent.send("stop")
            server.join(10)


def serve(fake, delay: float, pipe) -> None:
    """The loopback API in its own process, so it does not share the adapter's GIL."""
    from tests.brp_fake import LoopbackBrp

    answer = fake.answer
    pause = threading.Event()

    def slow(path, headers, raw):
        pause.wait(delay)
        return answer(path, headers, raw)

    fake.answer = slow
    with LoopbackBrp(fake) as server:
        pipe.send(server.url)
        while pipe.recv() == "count":
            pipe.send(len(fake.requests))
            fake.requests.clear()


if __name__ == "__main__":
    main()
