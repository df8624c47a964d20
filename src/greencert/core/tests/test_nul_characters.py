"""A NUL character (which PostgreSQL text cannot hold) is refused before any database work."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_api_query_parameter_with_a_nul_is_refused_naming_it():
    response = Client().get("/api/v1/certificates", {"holder": "9133\x00"})

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "holder"
    assert "U+0000" in error["message_zh"] and "U+0000" in error["message_en"]


def test_a_json_body_with_a_nul_is_refused():
    body = json.dumps({"numbers": ["GC33\u0000"]})

    response = Client().post("/api/v1/verify", body, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body"


def test_a_page_query_with_a_nul_is_refused_in_both_languages():
    response = Client().get("/search", {"q": "涂料\x00"})

    assert response.status_code == 422
    text = response.content.decode()
    assert "空字符" in text and "NUL character" in text


def test_a_path_with_a_nul_is_refused():
    response = Client().get("/supervision/complaints/JB%00/")

    assert response.status_code == 422


def test_ordinary_input_passes(issued_certificate):
    response = Client().get(f"/api/v1/certificates/{issued_certificate.number}")

    assert response.status_code == 200
