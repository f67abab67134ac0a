"""The load of `make bench` (issue 14): the screens people work in all day, and the intake API.

Run by tests/bench/load.py with locust from its own virtual environment (.venv-bench: locust
brings gevent, which must never be imported into the test process). It imports nothing of the
product: sessions, API key and host come from the JSON file named in BENCH_LOAD_CONTEXT, made by
load.py through the product's real log-in (password + TOTP) against the running gunicorn.

Sessions are sent as a Cookie header, not through a cookie jar: production cookies are Secure
and `__Host-` prefixed, and the load runs on plain HTTP on loopback behind a pretend TLS proxy
(`X-Forwarded-Proto: https`, which production settings trust from the proxy).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from datetime import date, timedelta
from pathlib import Path

from locust import HttpUser, between, task

CONTEXT = json.loads(Path(os.environ["BENCH_LOAD_CONTEXT"]).read_text(encoding="utf-8"))
CASE_LINK = re.compile(r'href="/zaken/([0-9a-f-]{36})"')
_serial = itertools.count()
PROXY = {"X-Forwarded-Proto": "https"}
# Postcodes the demo's districts serve (as tests/bench/generate.py): 1040-1049 and others lie
# outside every district, and the intake rightly refuses them (400), which is no load error.
SERVED = [(1011, 1039), (1050, 1083), (1086, 1109), (1380, 1384)]


class _Screen(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self) -> None:
        sessions = CONTEXT["sessions"][self.role]
        self.headers = {**PROXY, "Cookie": random.choice(sessions)}

    def page(self, path: str, name: str):
        with self.client.get(path, headers=self.headers, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
            elif "Inloggen" in r.text[:3000] and "/accounts/login" in r.url:
                r.failure("sent to log-in: session lost")
            return r


class Caseworker(_Screen):
    """A provider's caseworker: the case list, then a case."""

    weight = 6
    role = "hulpverlener"

    @task(2)
    def case_list(self) -> None:
        r = self.page("/zaken", "case list")
        self.ids = CASE_LINK.findall(r.text or "") or getattr(self, "ids", [])

    @task(3)
    def case_detail(self) -> None:
        ids = getattr(self, "ids", None) or CONTEXT["case_ids"].get(self.role) or []
        if ids:
            self.page(f"/zaken/{random.choice(ids)}", "case detail")


class Regie(_Screen):
    """The municipality's triage: the inbox and the case list."""

    weight = 4
    role = "regie"

    @task(3)
    def triage(self) -> None:
        self.page("/triage", "triage")

    @task(1)
    def case_list(self) -> None:
        self.page("/zaken", "case list")


class Beleid(_Screen):
    """Policy staff: the city-wide dashboard."""

    weight = 2
    role = "beleid"

    @task
    def dashboard(self) -> None:
        self.page("/cijfers/", "dashboard")


class PartnerSystem(HttpUser):
    """A landlord's rent administration submitting signals one by one through the API."""

    weight = 4
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.headers = {
            **PROXY,
            "Authorization": f"Token {CONTEXT['api_key']}",
            "Content-Type": "application/json",
        }

    @task
    def submit(self) -> None:
        n = next(_serial)
        today = date.today()
        body = {
            "partnerReferentie": f"LOAD-{os.getpid()}-{n:08d}",
            "voorletters": "L.",
            "tussenvoegsel": "",
            "achternaam": f"Lasttest{random.randint(1, 10**9)}",
            "geboortedatum": f"19{random.randint(40, 99)}-0{random.randint(1, 9)}-1{random.randint(0, 9)}",
            "straat": "Teststraat",
            "huisnummer": str(random.randint(1, 400)),
            "huisletter": "",
            "huisnummertoevoeging": "",
            "postcode": f"{random.randint(*random.choice(SERVED))} {random.choice('BCEGHJKLMNPRTVWXZ')}"
            f"{random.choice('BCEGHJKLMNPRTVWXZ')}",
            "woonplaats": "Amsterdam",
            "telefoonnummer": f"06{random.randint(10000000, 99999999)}",
            "email": f"load{n}@example.org",
            "achterstandBedrag": f"{random.randint(800, 6000)},00",
            "maandhuur": "725,00",
            "onbereikbaarInIncasso": "on",
            "achterstandSinds": (today - timedelta(days=70)).isoformat(),
            "signaaldatum": today.isoformat(),
            "pogingPersoonlijkContact": (today - timedelta(days=30)).isoformat(),
            "gewezenOpSchuldhulp": (today - timedelta(days=25)).isoformat(),
            "schriftelijkeHerinnering": (today - timedelta(days=20)).isoformat(),
            "informatieplichtVoldaan": (today - timedelta(days=20)).isoformat(),
        }
        with self.client.post(
            "/api/v1/signalen",
            data=json.dumps(body),
            headers=self.headers,
            name="intake API",
            catch_response=True,
        ) as r:
            if r.status_code != 201:
                r.failure(f"status {r.status_code}: {r.text[:200]}")
