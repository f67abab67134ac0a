"""The API's JSON parser: a nesting and a size limit, a clear Dutch 400 and never a 500."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from meldpunt.accounts.services import api_token_create
from meldpunt.core.parsers import json_nesting_exceeds
from meldpunt.intake.api import camel

from .conftest import signal_data

SIGNALS = "/api/v1/signalen"
DEPTH = settings.MELDPUNT_API_MAX_JSON_DEPTH


@pytest.fixture
def api(covenant) -> Client:
    _token, key = api_token_create(organisation=covenant["eigen-haard"], name="parser")
    return Client(HTTP_AUTHORIZATION=f"Token {key}", raise_request_exception=False)


def _post(client: Client, text: str | bytes, content_type: str = "application/json"):
    return client.post(SIGNALS, text, content_type=content_type)


def _nested(levels: int, leaf: str = '"Diepgenestwinter"') -> str:
    text = leaf
    for level in range(levels):
        text = f'{{"a": {text}}}' if level % 2 else f"[{text}]"
    return text


@pytest.mark.django_db
@pytest.mark.parametrize("levels", [DEPTH + 1, 1_000, 100_000])
def test_deep_nesting_is_a_clear_400_without_the_data_sent(api, levels):
    signal = {camel(k): v for k, v in signal_data(achternaam="Diepgenestwinter").items()}
    body = json.dumps(signal)[:-1] + f', "extra": {_nested(levels - 1)}}}'
    response = _post(api, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == f"De JSON is te diep genest (meer dan {DEPTH} niveaus)."
    assert "Diepgenestwinter" not in response.content.decode()


@pytest.mark.django_db
def test_nesting_up_to_the_limit_is_parsed(api):
    response = _post(api, _nested(DEPTH))
    assert response.status_code == 400  # parsed: refused by the view, not by the parser
    assert "te diep" not in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("", None),  # an empty body is no data, the view answers
        ("{", "Ongeldige JSON op regel 1"),
        ('{"a": "zonder eind', "Ongeldige JSON op regel 1"),
        ('{"a": NaN}', "niet toegestaan"),
        ('{"a": Infinity}', "niet toegestaan"),
        ('{"a": ' + "9" * 5000 + "}", "niet toegestaan"),
        (b'{"a": "\xff\xfe"}', "geen geldige tekst"),
        ("[" * 10 + '"]]]]' + "]" * 10, None),  # brackets inside a string do not count
        ('{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', None),  # nor after an escaped quote
    ],
)
def test_malformed_bodies_are_400_never_500(api, body, detail):
    response = _post(api, body)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    if detail:
        assert detail in response.json()["detail"]


@pytest.mark.django_db
def test_a_large_batch_is_accepted(api):
    items = [
        {camel(k): v for k, v in signal_data(partner_referentie=f"B-{i}").items()}
        for i in range(1000)
    ]
    response = _post(api, json.dumps({"signalen": items}))
    assert response.status_code == 200, response.content[:300]
    assert response.json()["geaccepteerd"] == 1000


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


_text = st.text(alphabet='[]{}"\\ab,:', max_size=8)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=30,
)


@given(value=_json, limit=st.integers(min_value=0, max_value=8))
@hypothesis_settings(max_examples=300, deadline=None)
def test_the_nesting_scan_agrees_with_the_parsed_depth(value, limit):
    text = json.dumps(value, ensure_ascii=bool(limit % 2))
    assert json_nesting_exceeds(text, limit) == (_depth(value) > limit)
