"""The OpenAPI document is committed (``api/openapi.json``): every API change is a reviewed diff,
and the contract tests check real answers against it."""

from __future__ import annotations

import difflib
import json

import pytest
from django.http import JsonResponse

from greencert.api.tests.contract import DOCUMENT, IN_REPOSITORY, REGENERATE, assert_documented

pytestmark = pytest.mark.django_db


def _lines(document: dict) -> list[str]:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2).splitlines()


def test_the_served_document_is_the_committed_one(client):
    served = client.get("/api/v1/openapi.json").json()
    committed = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    if served != committed:
        diff = list(
            difflib.unified_diff(
                _lines(committed), _lines(served), "committed", "served", lineterm="", n=2
            )
        )
        pytest.fail(
            f"/api/v1/openapi.json differs from the committed {IN_REPOSITORY}. If the API change "
            f"is intended, run `{REGENERATE}`, review the diff and commit the file.\n"
            + "\n".join(diff[:80])
            + ("\n…" if len(diff) > 80 else ""),
            pytrace=False,
        )


def answer(body: object, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False)


def test_the_contract_check_refuses_an_undocumented_field():
    page: dict[str, object] = {"items": [], "next_cursor": None, "total": 0}
    with pytest.raises(AssertionError, match="total"):
        assert_documented(answer(page), "get", "/api/v1/certificates")


def test_the_contract_check_refuses_a_missing_field_or_a_wrong_type():
    with pytest.raises(AssertionError, match="next_cursor"):
        assert_documented(answer({"items": []}), "get", "/api/v1/certificates")
    with pytest.raises(AssertionError, match="'7' is not of type 'integer'"):
        assert_documented(
            answer({"events": [], "next_after": "7", "latest_sequence": 7}),
            "get",
            "/api/v1/changes",
        )


def test_the_contract_check_refuses_an_unlisted_status():
    with pytest.raises(AssertionError, match="500, which the document does not list"):
        assert_documented(answer({}, status=500), "get", "/api/v1/certificates")
