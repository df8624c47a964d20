"""Answers that are not JSON carry a media type the published OpenAPI document names for them, so a
client (and schemathesis' content-type check) knows what it gets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).parents[1] / "openapi.json"


def documented_media_types(path: str) -> set[str]:
    document = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return set(document["paths"][path]["get"]["responses"]["200"]["content"])


def media_type(response: Any) -> str:
    return str(response["Content-Type"]).split(";")[0].strip()


def test_a_credential_is_answered_in_the_documented_media_type(issued_certificate):
    answer = Client().get(f"/api/v1/certificates/{issued_certificate.number}/credential")

    assert answer.status_code == 200
    assert media_type(answer) == "application/vc+jwt"
    assert documented_media_types("/api/v1/certificates/{number}/credential") == {
        "application/vc+jwt"
    }


def test_a_pdf_receipt_is_answered_in_a_documented_media_type(issued_certificate):
    answer = Client().get(
        f"/api/v1/certificates/{issued_certificate.number}/receipt", {"format": "pdf"}
    )

    assert answer.status_code == 200
    assert media_type(answer) == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert "application/pdf" in documented_media_types("/api/v1/certificates/{number}/receipt")


def test_a_json_receipt_is_answered_in_a_documented_media_type(issued_certificate):
    answer = Client().get(f"/api/v1/certificates/{issued_certificate.number}/receipt")

    assert answer.status_code == 200
    assert media_type(answer) == "application/json"
    assert "application/json" in documented_media_types("/api/v1/certificates/{number}/receipt")
