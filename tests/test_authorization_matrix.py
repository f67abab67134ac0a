"""Authorisation matrix: every URL × every role × own and foreign objects (issue #5).

Rules, checked for every combination:
- no combination gives a server error;
- anonymous users reach only the public pages (login, verification, health, API description);
- a user never reaches another organisation's signal, case, upload or check (403 or 404);
- a role without the personal-data permission never sees a tenant's name;
- nobody but the municipality and the case's own provider sees the tenant's name.
A meta-test fails when a URL pattern is added without an entry here.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from meldpunt.accounts.services import api_token_create, user_create
from meldpunt.cases.models import Instrument
from meldpunt.cases.services import instrument_deploy, letter_produce
from meldpunt.intake.services import signal_import_create, signal_submit
from meldpunt.safeguards.services import safeguard_check_ask, tenancy_outcome_record
from meldpunt.webhooks.services import webhook_subscribe

from .conftest import PASSWORD, mfa_client, signal_data

pytestmark = pytest.mark.django_db

OWN_NAME, FOREIGN_NAME, DIEMEN_NAME = "Eigenzaakhuurder", "Vreemdezaakhuurder", "Diemenhuurder"
PUBLIC = {
    "health",
    "set_language",
    "api-v1:openapi",
    "api-v1:verification",
    "safeguards:verify-form",
    "safeguards:verify",
    "api-v1:organisation-list",
}
# url name -> which object its kwargs point at ("signal", "case", "batch", "check", "register",
# "code", "question" or None), and whether it accepts POST (actions) as well as/instead of GET.
SPEC: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "home": (None, ("get",)),
    "health": (None, ("get",)),
    "set_language": (None, ("post",)),
    "api-v1:organisation-list": (None, ("get",)),
    "api-v1:signal-collection": (None, ("get", "post")),
    "api-v1:signal-search": (None, ("post",)),
    "api-v1:case-collection": (None, ("get",)),
    "api-v1:case-detail": ("case", ("get",)),
    "api-v1:case-attempts": ("case", ("get", "post")),
    "api-v1:case-deployments": ("case", ("get", "post")),
    "api-v1:case-deployment-end": ("case+deployment", ("post",)),
    "api-v1:case-events": ("case", ("get", "post")),
    "api-v1:case-close": ("case", ("post",)),
    "api-v1:case-assign": ("case", ("post",)),
    "api-v1:ddas-delivery": ("month", ("get",)),
    "api-v1:kpis": (None, ("get",)),
    "api-v1:signal-detail": ("signal", ("get",)),
    "api-v1:signal-feedback": ("signal", ("get",)),
    "api-v1:safeguard-check": ("signal+question", ("post",)),
    "api-v1:signal-outcomes": ("signal", ("get", "post")),
    "api-v1:verification": ("code", ("get",)),
    # Webhooks belong to API keys (tests/test_webhooks.py); signed-in users are refused.
    "api-v1:webhook-collection": (None, ("get", "post")),
    "api-v1:webhook-detail": ("webhook", ("delete",)),
    "api-v1:openapi": (None, ("get",)),
    "ddas-gegevens": (None, ("post",)),
    "api-unknown": (None, ("get", "post")),
    "intake:signal-create": (None, ("get", "post")),
    "intake:signal-list": (None, ("get",)),
    "intake:triage": (None, ("get",)),
    "intake:review": (None, ("get", "post")),
    "intake:upload": (None, ("get", "post")),
    "intake:upload-detail": ("batch", ("get",)),
    "intake:upload-report": ("batch", ("get",)),
    "intake:template": (None, ("get",)),
    "intake:configuration": (None, ("get", "post")),
    "cases:case-list": (None, ("get",)),
    "cases:case-search": (None, ("post",)),
    "cases:overdue": (None, ("get",)),
    "cases:team": (None, ("get", "post")),
    "cases:case-take": ("case", ("post",)),
    "cases:case-detail": ("case", ("get",)),
    "cases:visit-day": (None, ("get",)),
    "cases:visit-plan": ("case", ("post",)),
    "cases:letter-create": ("case", ("post",)),
    "cases:letter-day": (None, ("get",)),
    "cases:letter-pdf": ("letter", ("get",)),
    "cases:letter-templates": (None, ("get",)),
    "cases:frame-config": (None, ("get", "post")),
    "cases:letter-template": ("letter-template", ("get", "post")),
    "cases:case-assign": ("case", ("post",)),
    "cases:case-pick-up": ("case", ("post",)),
    "cases:attempt-create": ("case", ("post",)),
    "cases:deploy-create": ("case", ("post",)),
    "cases:event-create": ("case", ("post",)),
    "cases:note-create": ("case", ("post",)),
    "cases:close-create": ("case", ("post",)),
    "cases:landlord-signal": ("signal", ("get",)),
    "cases:income-overview": (None, ("get",)),
    "cases:income-arrangement": ("case", ("get", "post")),
    "api-v1:arrangement-detail": ("case", ("get",)),
    "api-v1:arrangement-change": ("case", ("post",)),
    "api-v1:arrangement-end": ("case", ("post",)),
    "safeguards:check-ask": ("signal+question", ("get", "post")),
    "safeguards:tenancy-list": (None, ("get",)),
    "safeguards:tenancy-register": (None, ("get", "post")),
    "safeguards:tenancy": ("tenancy", ("get",)),
    "safeguards:landlord-instrument-create": ("tenancy", ("post",)),
    "safeguards:landlord-event-create": ("tenancy", ("post",)),
    "safeguards:tenancy-check-ask": ("tenancy+question", ("get", "post")),
    "safeguards:tenancy-outcome": ("tenancy", ("get", "post")),
    "safeguards:tenancy-outcome-withdraw": ("tenancy", ("get", "post")),
    "safeguards:landlord-instruments": (None, ("get",)),
    "safeguards:outcomes-without-verklaring": (None, ("get",)),
    "safeguards:check-detail": ("check", ("get",)),
    "safeguards:attestation": ("check", ("get",)),
    "safeguards:attestation-pdf": ("check", ("get",)),
    "safeguards:attestation-revoke": ("check", ("post",)),
    "safeguards:verify-form": (None, ("get",)),
    "safeguards:rule-config": (None, ("get", "post")),
    "safeguards:verify": ("code", ("get",)),
    "privacy:register-list": (None, ("get",)),
    "privacy:register-edit": ("register", ("get", "post")),
    "privacy:log-search": (None, ("get",)),
    "privacy:log-export": (None, ("post",)),
    "dataprotection:log-person-search": (None, ("post",)),
    "organisations:routing": (None, ("get", "post")),
    "organisations:exception-delete": ("exception", ("post",)),
    "dataprotection:retention": (None, ("get", "post")),
    "dataprotection:access-request": (None, ("get", "post")),
    "dataprotection:access-request-export": (None, ("post",)),
    "reporting:dashboard": (None, ("get",)),
    "reporting:table-download": ("download", ("get",)),
    "reporting:cost-statement": (None, ("get",)),
    "reporting:cost-statement-download": ("cost-download", ("get",)),
    "reporting:cost-key": (None, ("get", "post")),
    "reporting:ddas-export": (None, ("get", "post")),
    "accounts:api-clients": (None, ("get", "post")),
    "accounts:api-client-revoke": ("token", ("post",)),
    # A partner's webhooks on screen, for its own admin (tests/test_webhook_screen.py).
    "webhooks:webhooks": (None, ("get", "post")),
    "webhooks:webhook-stop": ("subscription", ("post",)),
}
OBJECT_KINDS = {
    "signal",
    "case",
    "case+deployment",
    "batch",
    "check",
    "signal+question",
    "tenancy",
    "tenancy+question",
    "token",
    "letter",
    "subscription",
}
# Who owns the worlds' objects: the landlord that reported and the provider it is routed to. Two
# worlds in Amsterdam, one in Diemen (another municipality sharing the meldpunt).
OWNERS = {
    "own": {"eigen-haard", "centram", "centram-teamleider"},
    "foreign": {"ymere", "doras"},
    "diemen": {"diemen-verhuurder", "diemen-hulpverlener"},
}
MUNICIPALITY_STAFF = {
    "own": {"regie", "beleid", "beheer", "privacy", "inkomen"},
    "foreign": {"regie", "beleid", "beheer", "privacy", "inkomen"},
    "diemen": {"diemen-regie"},
}
ORGANISATION_ROLES = set().union(*OWNERS.values()) | {"energie", "water", "zorg", "diemen-regie",
                                                      "regie", "beleid", "beheer", "privacy",
                                                      "inkomen", "beheerder"}  # fmt: skip
# Everybody else must never reach a world's objects: other organisations, and the staff of
# another municipality.
OTHERS = {world: ORGANISATION_ROLES - OWNERS[world] - MUNICIPALITY_STAFF[world] for world in OWNERS}
# Eigen Haard's admin of API clients (beheerder organisatie) reaches its own organisation's keys
# and nothing else of the "own" world (no data permission: 403 on its signals and cases).
OTHERS["own"].discard("beheerder")
# Who may ever see the tenant's name: the municipality's regie and privacy officer, the landlord
# that reported it and the provider the case is routed to, of that world's municipality only.
MAY_SEE_NAME = {"own": {"regie", "privacy"}, "foreign": {"regie", "privacy"},
                "diemen": {"diemen-regie"}}  # fmt: skip


def url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin" or "allauth" in str(p.urlconf_name):
                    continue
                ns = ":".join(x for x in (namespace, p.namespace or "") if x)
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_is_in_the_matrix():
    assert url_names() == set(SPEC), "add new URLs to the authorisation matrix"


@pytest.fixture
def world(covenant, users):
    from meldpunt.organisations.models import District, PostcodeException

    own = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie="OWN-1", achternaam=OWN_NAME),
    )
    foreign = signal_submit(
        partner=covenant["ymere"],
        submitted_by=users["ymere"],
        raw=signal_data(partner_referentie="FOR-1", achternaam=FOREIGN_NAME, postcode="1021 JK"),
    )
    assert own.case.provider == covenant["centram"] and foreign.case.provider == covenant["doras"]
    own_batch = signal_import_create(
        partner=covenant["eigen-haard"], by=users["eigen-haard"], file_name="a.csv"
    )
    foreign_batch = signal_import_create(
        partner=covenant["ymere"], by=users["ymere"], file_name="b.csv"
    )
    own_check = safeguard_check_ask(
        tenancy_id=own.tenancy_id, by=users["eigen-haard"], question="deurwaarder"
    )
    foreign_check = safeguard_check_ask(
        tenancy_id=foreign.tenancy_id, by=users["ymere"], question="deurwaarder"
    )
    diemen = signal_submit(
        partner=covenant["woonstichting-diemen-demo"],
        submitted_by=users["diemen-verhuurder"],
        raw=signal_data(partner_referentie="DI-1", achternaam=DIEMEN_NAME, postcode="1111 AB"),
    )
    assert diemen.case.provider == covenant["buurtteam-diemen-demo"]
    diemen_batch = signal_import_create(
        partner=covenant["woonstichting-diemen-demo"], by=users["diemen-verhuurder"],
        file_name="c.csv",
    )  # fmt: skip
    diemen_check = safeguard_check_ask(
        tenancy_id=diemen.tenancy_id, by=users["diemen-verhuurder"], question="deurwaarder"
    )
    # An outcome without a valid verklaring in each world, for regie's list (ADR 0106).
    for signal, user in ((own, "eigen-haard"), (foreign, "ymere"), (diemen, "diemen-verhuurder")):
        tenancy_outcome_record(by=users[user], tenancy_id=signal.tenancy_id, kind="deurwaarder",
                               occurred_on=signal.signal_date)  # fmt: skip
    exception = PostcodeException.objects.create(
        postcode="1012AA", district=District.objects.get(name="Oost")
    )
    inkomen = user_create(
        email="inkomen@test.example",
        organisation=covenant["gemeente-amsterdam"],
        roles=["inkomensconsulent"],
        password=PASSWORD,
    )
    beheerder = user_create(
        email="beheerder@test.example",
        organisation=covenant["eigen-haard"],
        roles=["beheerder-partner"],
        password=PASSWORD,
    )
    letters = {
        world: letter_produce(case_id=signal.case_id, by=users[provider], code="kaartje")
        for world, signal, provider in (
            ("own", own, "centram"),
            ("foreign", foreign, "doras"),
            ("diemen", diemen, "diemen-hulpverlener"),
        )
    }
    # An instrument in each world's case, for ending it over the API.
    deployments = {
        world: instrument_deploy(case_id=signal.case_id, by=users[provider],
                                 instrument=Instrument.objects.get(code="budgetadvies"),
                                 deployed_on=timezone.localdate()).public_id
        for world, signal, provider in (
            ("own", own, "centram"),
            ("foreign", foreign, "doras"),
            ("diemen", diemen, "diemen-hulpverlener"),
        )
    }  # fmt: skip
    own_token, _key = api_token_create(organisation=covenant["eigen-haard"], name="eigen")
    foreign_token, _key = api_token_create(organisation=covenant["ymere"], name="vreemd")
    diemen_token, _key = api_token_create(
        organisation=covenant["woonstichting-diemen-demo"], name="diemen"
    )
    subscriptions = {
        world: webhook_subscribe(token=token, url=f"https://{world}.voorbeeld.nl/hook")[0].public_id
        for world, token in (("own", own_token), ("foreign", foreign_token),
                             ("diemen", diemen_token))
    }  # fmt: skip
    return {
        "own": {
            "letter": letters["own"].public_id,
            "token": own_token.pk,
            "subscription": subscriptions["own"],
            "signal": own.public_id,
            "case": own.case.public_id,
            "deployment": deployments["own"],
            "batch": own_batch.public_id,
            "check": own_check.public_id,
            "tenancy": own.tenancy.public_id,
            "register": "intake",
            "code": "ONGELDIG-CODE",
            "exception": exception.pk,
        },
        "foreign": {
            "letter": letters["foreign"].public_id,
            "token": foreign_token.pk,
            "subscription": subscriptions["foreign"],
            "signal": foreign.public_id,
            "case": foreign.case.public_id,
            "deployment": deployments["foreign"],
            "batch": foreign_batch.public_id,
            "check": foreign_check.public_id,
            "tenancy": foreign.tenancy.public_id,
            "register": "intake",
            "code": "ONGELDIG-CODE",
            "exception": exception.pk,
        },
        "diemen": {
            "letter": letters["diemen"].public_id,
            "token": diemen_token.pk,
            "subscription": subscriptions["diemen"],
            "signal": diemen.public_id,
            "case": diemen.case.public_id,
            "deployment": deployments["diemen"],
            "batch": diemen_batch.public_id,
            "check": diemen_check.public_id,
            "tenancy": diemen.tenancy.public_id,
            "register": "intake",
            "code": "ONGELDIG-CODE",
            "exception": exception.pk,
        },
        "inkomen": inkomen,
        "beheerder": beheerder,
    }


def kwargs_for(kind: str | None, objects: dict) -> dict:
    if kind is None:
        return {}
    if kind in ("signal+question", "tenancy+question"):
        return {"public_id": objects[kind.split("+")[0]], "question": "deurwaarder"}
    if kind == "code":
        return {"code": objects["code"]}
    if kind == "webhook":
        return {"webhookId": objects.get("webhook", "00000000-0000-0000-0000-000000000000")}
    if kind == "letter-template":
        return {"code": "kaartje"}
    if kind == "register":
        return {"code": objects["register"]}
    if kind == "download":
        return {"slug": "signalen", "extension": "csv"}
    if kind == "cost-download":
        return {"partner": "alle", "extension": "xlsx"}
    if kind == "month":
        return {"maand": timezone.localdate().strftime("%Y-%m")}
    if kind == "case+deployment":
        return {"public_id": objects["case"], "inzetId": objects["deployment"]}
    if kind in ("exception", "token"):
        return {"pk": objects[kind]}
    return {"public_id": objects[kind]}


# The API's path parameters are camelCase (NL API Design Rules).
API_KWARGS = {"public_id": "signaalId", "question": "vraag"}


def url_for(name: str, kind: str | None, objects: dict) -> str:
    kwargs = kwargs_for(kind, objects)
    if name.startswith("api-v1:"):
        names = (
            {**API_KWARGS, "public_id": "zaakId"}
            if kind and kind.startswith("case")
            else API_KWARGS
        )
        kwargs = {names.get(k, k): v for k, v in kwargs.items()}
    return reverse(name, kwargs=kwargs)


CASES: list[tuple] = []


def run_matrix(clients, world) -> list[str]:
    """Every URL × role × object × method; returns rule violations."""
    all_clients = dict(clients)
    all_clients["inkomen"] = mfa_client(world["inkomen"])
    all_clients["beheerder"] = mfa_client(world["beheerder"])
    all_clients["anonymous"] = Client()
    problems = []
    for name, (kind, methods) in SPEC.items():
        for which in ("own", "foreign", "diemen") if kind else ("own",):
            url = url_for(name, kind, world[which])
            for role, client in all_clients.items():
                for method in methods:
                    response = getattr(client, method)(url)
                    code = response.status_code
                    CASES.append((name, which, role, method, code))
                    body = b"" if getattr(response, "streaming", False) else response.content
                    where = f"{method.upper()} {name} [{which}] as {role}: {code}"
                    if code >= 500:
                        problems.append(f"server error: {where}")
                    if (
                        role == "anonymous"
                        and name not in PUBLIC
                        and code not in (302, 401, 403, 404, 405)
                    ):
                        problems.append(f"anonymous got through: {where}")
                    if role in OTHERS[which] and kind in OBJECT_KINDS and code < 400:
                        problems.append(f"another organisation's object reachable: {where}")
                    for world_key, name_bytes in (
                        ("own", OWN_NAME.encode()),
                        ("foreign", FOREIGN_NAME.encode()),
                        ("diemen", DIEMEN_NAME.encode()),
                    ):
                        allowed = MAY_SEE_NAME[world_key] | OWNERS[world_key]
                        if name_bytes in body and role not in allowed:
                            problems.append(f"tenant name shown: {where}")
    return problems


def test_authorisation_matrix(clients, world):
    problems = run_matrix(clients, world)
    print(f"\nauthorisation matrix: {len(CASES)} URL × role × object × method cases")
    assert problems == [], "\n".join(problems)
    assert len(CASES) > 500
    # The municipality dimension: another municipality's staff reached none of Diemen's objects
    # and Diemen's regie none of Amsterdam's (checked above as "another organisation's object").
    diemen = [c for c in CASES if c[1] == "diemen" and c[2] in ("regie", "privacy")]
    amsterdam = [c for c in CASES if c[1] in ("own", "foreign") and c[2] == "diemen-regie"]
    assert diemen and amsterdam
    reached = [c for c in diemen + amsterdam if c[-1] < 400 and SPEC[c[0]][0] in OBJECT_KINDS]
    assert reached == []
