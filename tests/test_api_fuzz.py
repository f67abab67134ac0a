"""schemathesis against the running app and its committed OpenAPI document (issue #13).

Every operation of ``openapi.yaml``, as every kind of API client (a key with each set of scopes
an organisation can have, and no key at all), over real HTTP to the live server: no server
error, no answer that breaks the documented schema, no status code, content type or header the
document does not name. Path parameters are half the time one of the caller's own signals, so
the operations are exercised past their 404.

CI-sized by default (MELDPUNT_FUZZ_EXAMPLES examples per operation and client, 8); `make fuzz`
runs the same with many more.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from meldpunt.accounts import scopes
from meldpunt.accounts.services import api_token_create, user_create
from meldpunt.cases.models import Instrument, Track
from meldpunt.cases.services import case_assign, case_pick_up, instrument_deploy
from meldpunt.intake.services import signal_submit
from meldpunt.organisations.models import Organisation
from meldpunt.organisations.services import covenant_seed

from .conftest import PASSWORD, signal_data

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("MELDPUNT_FUZZ_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]

# Valid input and input that breaks the document (negative): neither may crash the API or
# answer something the document does not name.
schema = schemathesis.openapi.from_path(
    ROOT / "openapi.yaml",
    config=SchemathesisConfig.from_dict({"generation": {"mode": "all"}}),
)

# Each kind of API client: its organisation and the scopes of its key (None: no key).
CLIENTS = {
    "verhuurder": (
        "eigen-haard",
        [scopes.SUBMIT, scopes.READ_FEEDBACK, scopes.OUTCOMES, scopes.REPORTS],
    ),
    "verhuurder-alleen-melden": ("eigen-haard", [scopes.SUBMIT]),
    "andere-verhuurder": ("ymere", [scopes.SUBMIT, scopes.READ_FEEDBACK, scopes.OUTCOMES]),
    "energieleverancier": ("energie-voorbeeld-demo", [scopes.SUBMIT, scopes.READ_FEEDBACK]),
    "uitvoerder": ("centram", [scopes.CASEWORK, scopes.OUTCOMES, scopes.REPORTS]),
    "gemeente": ("gemeente-amsterdam", [scopes.EXPORT, scopes.REPORTS]),
    "anoniem": (None, None),
}


@pytest.fixture
def world(transactional_db, settings):
    # The fuzzer sends hundreds of calls a minute from one key; the limits are tested elsewhere.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min",
                                   "verification": "100000/min"},
    }  # fmt: skip
    covenant_seed()
    organisations = {o.slug: o for o in Organisation.objects.all()}
    landlord = user_create(email="fuzz-eh@test.example", organisation=organisations["eigen-haard"],
                           roles=["signaleerder"], password=PASSWORD)  # fmt: skip
    regie = user_create(email="fuzz-regie@test.example",
                        organisation=organisations["gemeente-amsterdam"], roles=["regie"],
                        password=PASSWORD)  # fmt: skip
    worker = user_create(email="fuzz-cm@test.example", organisation=organisations["centram"],
                         roles=["hulpverlener"], password=PASSWORD)  # fmt: skip
    signal = signal_submit(partner=organisations["eigen-haard"], submitted_by=landlord,
                           raw=signal_data(partner_referentie="FUZZ-1"))  # fmt: skip
    case_assign(case_id=signal.case_id, provider=organisations["centram"],
                track=Track.VROEG_EROPAF, by=regie)  # fmt: skip
    case_pick_up(case_id=signal.case_id, by=worker)
    deployment = instrument_deploy(case_id=signal.case_id, by=worker,
                                   instrument=Instrument.objects.get(code="budgetadvies"),
                                   deployed_on=timezone.localdate())  # fmt: skip
    keys = {}
    for name, (slug, token_scopes) in CLIENTS.items():
        if slug is not None:
            _token, keys[name] = api_token_create(
                organisation=organisations[slug], name=f"fuzz {name}", scopes=token_scopes
            )
    return {"signal": signal, "deployment": deployment, "keys": keys}


@schema.parametrize()
@schema.given(own=st.booleans())
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract(case, own, world, live_server):
    if own and "signaalId" in (case.path_parameters or {}):
        case.path_parameters["signaalId"] = str(world["signal"].public_id)
    if own and "zaakId" in (case.path_parameters or {}):
        case.path_parameters["zaakId"] = str(world["signal"].case.public_id)
    if own and "inzetId" in (case.path_parameters or {}):
        case.path_parameters["inzetId"] = str(world["deployment"].public_id)
    # The same call as every kind of client: each example costs one set-up, not seven.
    for kind in CLIENTS:
        headers = {}
        if kind in world["keys"]:
            headers["Authorization"] = f"Token {world['keys'][kind]}"
        case.call_and_validate(base_url=f"{live_server.url}/api/v1", headers=headers, checks=CHECKS)
