"""POST /ddas/v1/gegevens end to end, with a fake data source (the real one comes with the
case model): the FSC caller check, the request, pagination, problem+json, signed streaming."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date

import pytest
import time_machine
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from django.test import Client as HttpClient

from meldpunt.reporting.apps import ddas_configuration_check
from meldpunt.reporting.ddas import config
from meldpunt.reporting.ddas.collection import PagePlan
from meldpunt.reporting.ddas.model import (
    AanleverendeOrganisatie,
    Client,
    Levering,
    Signaalpartner,
    Vroegsignaal,
    Vroegsignaalzaak,
)
from meldpunt.reporting.ddas.source import UnknownOrganisation
from meldpunt.reporting.ddas.vocabulary import EnumEindresultaat, EnumSignaalpartner

from .test_ddas_collection import RESPONSE_200, contract  # noqa: F401 - fixture
from .test_ddas_signing import NOW, _cert, _key, verify

URL = "/ddas/v1/gegevens"
CBS = "00000001822477348000"
SERVICE = "DDAS-vroegsignalering-ophaal-meldpunt"
GEMEENTEN = {"0363": "Gemeente Amsterdam", "0457": "Gemeente Weesp"}


class FakeSource:
    """Seven signals: five for Amsterdam (two cases), two for Weesp (one case)."""

    collections: list[dict] = []

    def _all(self):
        signals = []
        for code, n in (("0363", 5), ("0457", 2)):
            for i in range(n):
                case = f"{code}-Z{i // 3}"
                signals.append((code, case, f"{code}-S{i}"))
        return signals

    def count_signals(self, *, start, end, organisation):
        if organisation not in (None, *GEMEENTEN.values()):
            raise UnknownOrganisation(organisation)
        return len(self._select(organisation))

    def _select(self, organisation):
        return [s for s in self._all() if organisation in (None, GEMEENTEN[s[0]])]

    def page(self, *, start, end, organisation, offset, limit):
        everything = self._select(organisation)
        chosen = everything[offset : offset + limit]
        first_of_case = {}
        for _code, case, signal_id in everything:
            first_of_case.setdefault(case, signal_id)
        for teller, code in enumerate(GEMEENTEN, start=1):
            here = [s for s in chosen if s[0] == code]
            if not here:
                continue
            cases = [c for _, c, sid in here if first_of_case[c] == sid]
            yield Levering(
                teller=teller,
                gemeentecode=code,
                aanleverende_organisatie=AanleverendeOrganisatie(naam=GEMEENTEN[code]),
                vroegsignalen=tuple(
                    Vroegsignaal(
                        id=sid,
                        client=Client(postcode="1011AB", huisnummer=sid[-1]),
                        signaalpartner=Signaalpartner(EnumSignaalpartner.HUUR),
                        bedrag=250,
                    )
                    for _, _, sid in here
                ),
                vroegsignaalzaken=tuple(
                    Vroegsignaalzaak(
                        resultaat=EnumEindresultaat.BUDGETADVIES_QUICK_FIX,
                        vroegsignalen=tuple(sid for _, c, sid in everything if c == case),
                    )
                    for case in cases
                ),
            )

    def record_collection(self, *, client_id, start, end, organisation, plan: PagePlan):
        self.collections.append(
            {"client": client_id, "start": start, "end": end, "page": plan.current_page}
        )


@dataclass
class Fsc:
    key: ec.EllipticCurvePrivateKey
    cert: object

    def token(self, *, sub=CBS, svc=SERVICE, exp_in=300) -> str:
        thumb = base64.urlsafe_b64encode(self.cert.fingerprint(hashes.SHA256())).rstrip(b"=")
        header = {"alg": "ES256", "typ": "JWT", "x5t#S256": thumb.decode()}
        claims = {
            "gth": "$1$3$x",
            "gid": "digikoppeling",
            "sub": sub,
            "iss": "00000001003214345000",
            "svc": svc,
            "aud": "https://inway.meldpunt.example:443",
            "nbf": int(NOW.timestamp()) - 10,
            "exp": int(NOW.timestamp()) + exp_in,
            "cnf": {"x5t#S256": "abc"},
        }
        encode = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=")  # noqa: E731
        signing_input = encode(header) + b"." + encode(claims)
        r, s = utils.decode_dss_signature(self.key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return (signing_input + b"." + base64.urlsafe_b64encode(raw).rstrip(b"=")).decode()


@pytest.fixture(scope="module")
def pki():
    root_key, leaf_key = _key(), _key()
    root = _cert(root_key, "Test Root", root_key, None, ca=True)
    leaf = _cert(leaf_key, "Meldpunt ondertekening", root_key, root.subject, ca=False)
    fsc_key = ec.generate_private_key(ec.SECP256R1())
    fsc_cert = _cert(fsc_key, "FSC Manager", root_key, root.subject, ca=False)
    return root, leaf_key, leaf, fsc_key, fsc_cert


@pytest.fixture
def delivery(settings, tmp_path, pki):
    root, leaf_key, leaf, fsc_key, fsc_cert = pki
    pem = serialization.Encoding.PEM
    (tmp_path / "sign.key").write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (tmp_path / "sign.pem").write_bytes(leaf.public_bytes(pem) + root.public_bytes(pem))
    (tmp_path / "fsc.pem").write_bytes(fsc_cert.public_bytes(pem))
    settings.MELDPUNT_DDAS_SOURCE = "tests.test_ddas_endpoint.FakeSource"
    settings.MELDPUNT_DDAS_SIGNING_KEY = str(tmp_path / "sign.key")
    settings.MELDPUNT_DDAS_SIGNING_CERT = str(tmp_path / "sign.pem")
    settings.MELDPUNT_DDAS_CLIENT_PEER_IDS = [CBS]
    settings.MELDPUNT_DDAS_FSC_TOKEN_CERTS = str(tmp_path / "fsc.pem")
    settings.MELDPUNT_DDAS_FSC_SERVICE = SERVICE
    settings.MELDPUNT_DDAS_SUPPLIER_CODE = "Meldpunt 0.1.0"
    FakeSource.collections = []
    with time_machine.travel(NOW, tick=False):
        yield {"root": root, "fsc": Fsc(fsc_key, fsc_cert)}


def post(delivery, body=None, *, token=None, raw=None, content_type="application/json"):
    token = delivery["fsc"].token() if token is None else token
    data = raw if raw is not None else json.dumps(body or {})
    headers = {"HTTP_FSC_AUTHORIZATION": token} if token else {}
    response = HttpClient().post(URL, data=data, content_type=content_type, **headers)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    verify(content, response["Digest"], response["nlgov-adr-payload-sig"], delivery["root"])
    return response, content


def test_cbs_collects_a_signed_valid_delivery(delivery, contract):  # noqa: F811
    response, content = post(delivery)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/json"
    assert int(response["Content-Length"]) == len(content)
    body = json.loads(content)
    assert list(contract(RESPONSE_200).iter_errors(body)) == []
    document = body["gegevens"]
    assert document["codeGegevensleverancier"] == "Meldpunt 0.1.0"
    # No dates asked: the last completed quarter before 2 April 2026.
    assert (document["startdatumLevering"], document["einddatumLevering"]) == (
        "2026-01-01",
        "2026-03-31",
    )
    assert [lev["gemeentecode"] for lev in document["leveringen"]] == ["0363", "0457"]
    assert "paginering" not in body  # everything fits, nothing asked
    assert FakeSource.collections == [
        {"client": CBS, "start": date(2026, 1, 1), "end": date(2026, 3, 31), "page": 1}
    ]


def test_pages_together_hold_every_signal_once(delivery, contract):  # noqa: F811
    seen, cases = [], []
    for page in (1, 2, 3):
        _response, content = post(delivery, {"page": page, "pageSize": 3})
        body = json.loads(content)
        assert list(contract(RESPONSE_200).iter_errors(body)) == []
        assert body["paginering"] == {
            "pageSize": 3,
            "currentPage": page,
            "totalPages": 3,
            "totalRecords": 7,
        }
        for levering in body["gegevens"]["leveringen"]:
            seen += [s["ID"] for s in levering["vroegsignalen"]]
            cases += [
                tuple(r["ID"] for r in z["vroegsignalen"]) for z in levering["vroegsignaalzaken"]
            ]
    assert sorted(seen) == [*sorted(f"0363-S{i}" for i in range(5)), "0457-S0", "0457-S1"]
    assert len(cases) == len(set(cases)) == 3  # each case once, on the page of its first signal
    _response, content = post(delivery, {"page": 9, "pageSize": 3})
    assert json.loads(content)["paginering"]["currentPage"] == 1  # a page that does not exist


def test_one_organisation(delivery):
    _response, content = post(delivery, {"aanleverendeOrganisatie": "Gemeente Weesp"})
    leveringen = json.loads(content)["gegevens"]["leveringen"]
    assert [lev["gemeentecode"] for lev in leveringen] == ["0457"]


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [
        ({"pagina": 1}, 400, "pagina"),
        ({"page": 0}, 400, "page"),
        (
            {"aanleverperiodeStartdatum": "2026-03-01", "aanleverperiodeEinddatum": "2026-01-31"},
            422,
            "aanleverperiodeEinddatum",
        ),
        ({"aanleverendeOrganisatie": "Gemeente Elders"}, 422, "aanleverendeOrganisatie"),
    ],
)
def test_bad_requests_are_signed_problems(delivery, body, status, param):
    response, content = post(delivery, body)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(content)
    assert problem["status"] == status and problem["instance"] == URL
    assert [p["name"] for p in problem["invalidParams"]] == [param]
    assert FakeSource.collections == []


def test_not_json_is_a_400(delivery):
    response, _ = post(delivery, raw="page=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("token", "status"),
    [
        ("", 401),
        ("niet-een-token", 401),
        ("other-service", 403),
        ("other-peer", 403),
        ("expired", 401),
    ],
)
def test_only_the_configured_client_is_accepted(delivery, token, status):
    fsc = delivery["fsc"]
    tokens = {
        "other-service": fsc.token(svc="iets-anders"),
        "other-peer": fsc.token(sub="00000009999999999000"),
        "expired": fsc.token(exp_in=-3600),
    }
    response, content = post(delivery, token=tokens.get(token, token) or "")
    assert response.status_code == status
    assert json.loads(content)["status"] == status
    if status == 401:
        assert response["WWW-Authenticate"] == "Bearer"
    assert FakeSource.collections == []


def test_a_token_from_another_manager_is_refused(delivery):
    other = Fsc(ec.generate_private_key(ec.SECP256R1()), delivery["fsc"].cert)
    response, content = post(delivery, token=other.token())  # right thumbprint, wrong key
    assert response.status_code == 401 and "ondertekening" in json.loads(content)["detail"]


def test_get_is_not_allowed(delivery):
    response = HttpClient().get(URL)
    assert response.status_code == 405 and response["Allow"] == "POST"


def test_off_without_a_source(settings):
    settings.MELDPUNT_DDAS_SOURCE = ""
    response = HttpClient().post(URL, data="{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_misconfiguration_is_a_deploy_check_error(delivery, settings):
    assert ddas_configuration_check() == []
    settings.MELDPUNT_DDAS_SIGNING_CERT = str(settings.MELDPUNT_DDAS_FSC_TOKEN_CERTS)
    errors = ddas_configuration_check()
    assert [e.id for e in errors] == ["reporting.E001"]
    assert "hoort niet bij de ondertekensleutel" in errors[0].msg
    config._load.cache_clear()
