"""The committed OpenAPI document is the one the code generates (make openapi), and the one the
API serves; it follows the NL API Design Rules (make api-lint runs Spectral on it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "openapi.yaml"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("openapi") / "openapi.yaml"
    call_command("spectacular", file=str(target), validate=True, fail_on_warn=True)
    return target.read_text(encoding="utf-8")


def test_the_committed_document_is_current(generated):
    assert COMMITTED.read_text(encoding="utf-8") == generated, (
        "openapi.yaml differs from what the code generates: run `make openapi` and commit it"
    )


@pytest.mark.django_db
def test_the_served_document_is_the_committed_one(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json() == yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))


def test_every_operation_documents_its_errors_and_the_version_header():
    document = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    responses = document["components"]["responses"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "404", "406", "429", "500"} <= codes, (path, method)
            if method == "post":
                assert {"413", "415"} <= codes, (path, method)
            if operation.get("security") != [{}]:
                assert {"401", "403"} <= codes, (path, method)
            for code, response in operation["responses"].items():
                response = (
                    responses[response["$ref"].rsplit("/", 1)[1]]
                    if "$ref" in response
                    else response
                )
                assert "API-Version" in response["headers"], (path, method, code)
                if int(code) >= 400:
                    assert list(response["content"]) == ["application/problem+json"]
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert "_" not in parameter["name"], (path, parameter["name"])
    assert {"409", "422"} <= set(document["paths"]["/signalen"]["post"]["responses"])
