"""Every path parameter of the API states its format in the published OpenAPI document (a pattern
for codes and numbers in a fixed format, a length for what the lookup reads as free text, bounds
for row ids), and a value outside it is refused with the bilingual error naming the field, the
value and what was expected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from greencert.core.actors import Actor
from greencert.exchange.actions import create_client

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).parents[1] / "openapi.json"


def path_parameters() -> list[tuple[str, str, dict[str, Any]]]:
    document = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return [
        (f"{method.upper()} {path}", parameter["name"], parameter["schema"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    ]


def refusal(response: Any) -> dict[str, Any]:
    assert response.status_code == 422
    return response.json()["error"]


@pytest.mark.parametrize(("operation", "name", "schema"), path_parameters())
def test_every_path_parameter_states_its_format_or_its_bounds(operation, name, schema):
    if schema["type"] == "integer":
        assert schema["minimum"] == 1
        assert schema["maximum"] == 2**63 - 1
    else:
        assert "pattern" in schema or "maxLength" in schema
        assert "e.g." in schema["description"]


@pytest.mark.parametrize(
    ("url", "field", "value", "expected_zh", "expected_en"),
    [
        (
            "/api/v1/supervision/credit/9131000013214923",
            "code",
            "9131000013214923",
            "统一社会信用代码（18 位",
            "a unified social credit code (18 characters",
        ),
        (
            "/api/v1/supervision/complaints/JB-123",
            "tracking_code",
            "JB-123",
            "举报查询码",
            "a complaint's tracking code",
        ),
        (
            "/api/v1/schemes/Coatings!",
            "scheme_id",
            "Coatings!",
            "评价方案编号",
            "a scheme id",
        ),
        (
            "/api/v1/alliance/documents/YRDGC",
            "code",
            "YRDGC",
            "联盟文件编号",
            "an alliance document code",
        ),
        (
            "/api/v1/working-group/meetings/26-1",
            "number",
            "26-1",
            "会议编号",
            "a meeting number",
        ),
        (
            "/api/v1/working-group/decisions/2026",
            "number",
            "2026",
            "决定编号",
            "a decision number",
        ),
    ],
)
def test_a_code_in_the_wrong_format_is_refused_saying_what_was_expected(
    url, field, value, expected_zh, expected_en
):
    error = refusal(Client().get(url))

    assert error["field"] == field
    assert error["value"] == value
    assert expected_zh in error["message_zh"]
    assert expected_en in error["message_en"]
    assert value in error["message_zh"]
    assert value in error["message_en"]


def test_digits_of_another_script_are_not_read_as_an_announcement_number():
    # "²".isdigit() holds, int("²") fails: such a number reached int() and failed with a 500.
    error = refusal(Client().get("/api/v1/announcements/" + quote("²０２６-1")))

    assert error["field"] == "id"
    assert "year-serial, such as 2026-1" in error["message_en"]


def test_a_certificate_number_longer_than_any_lookup_reads_is_refused():
    error = refusal(Client().get("/api/v1/certificates/" + "GC32" * 21))

    assert error["field"] == "number"
    assert "at most 80 characters" in error["message_en"]
    assert "最多 80 个字符" in error["message_zh"]


def test_a_body_number_is_looked_up_as_free_text(issued_certificate):
    typed = " ".join(issued_certificate.body_number.lower())

    answer = Client().get("/api/v1/certificates/" + quote(typed))

    assert answer.status_code == 200
    assert answer.json()["number"] == issued_certificate.number


def test_a_credit_code_in_small_letters_is_read_as_the_code(issued_certificate):
    code = issued_certificate.holder.credit_code

    answer = Client().get(f"/api/v1/supervision/credit/{code.lower()}")

    assert answer.status_code == 200
    assert answer.json()["subject_id"] == code


def test_a_body_approval_number_is_a_credit_subject_too(issued_certificate):
    number = issued_certificate.body.approval_number

    answer = Client().get(f"/api/v1/supervision/credit/{number}")

    assert answer.status_code == 200
    assert answer.json()["subject_kind"] == "body"


def test_a_webhook_id_beyond_what_the_database_holds_is_refused(body):
    _, token = create_client(Actor.for_system("console"), name="receiver", scopes=["webhooks"])

    answer = Client().delete(
        f"/api/v1/webhooks/{2**63}", headers={"Authorization": f"Bearer {token}"}
    )

    error = refusal(answer)
    assert error["field"] == "webhook_id"
    assert "9223372036854775807" in error["message_en"]
