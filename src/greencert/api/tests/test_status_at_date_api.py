"""``GET /api/v1/certificates/{number}?at=YYYY-MM-DD``: the status on a past date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from greencert.certification.actions import (
    expire_due_certificates,
    restore_certificate,
    suspend_certificate,
)

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


def moment(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), BEIJING)


@pytest.fixture
def number(issue, body_staff, time_machine):
    """Issued 2025-03-01, suspended 2025-04-10, restored 2025-05-20, expired 2030-03-01."""
    time_machine.move_to(moment("2025-03-01"), tick=False)
    certificate = issue()
    time_machine.move_to(moment("2025-04-10"), tick=False)
    suspend_certificate(body_staff, certificate, reason_code="S04", until=dt.date(2025, 7, 1))
    time_machine.move_to(moment("2025-05-20"), tick=False)
    restore_certificate(body_staff, certificate, reason_code="T02")
    time_machine.move_to(moment("2030-03-05"), tick=False)
    expire_due_certificates()
    return certificate.number


def status_at(client, number, day):
    response = client.get(f"/api/v1/certificates/{number}", {"at": day})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["at"]["date"] == day
    return body["at"]["status"]


def test_before_the_issue_day_there_is_no_status(client, number):
    assert status_at(client, number, "2025-02-28") is None


@pytest.mark.parametrize(
    ("day", "code", "label_en"),
    [
        ("2025-03-01", "01", "valid"),
        ("2025-04-10", "02", "suspended"),
        ("2025-05-19", "02", "suspended"),
        ("2025-05-20", "01", "valid"),
        ("2030-02-28", "01", "valid"),
        ("2030-03-01", "05", "expired"),
    ],
)
def test_the_status_on_a_past_date_is_read_from_the_log(client, number, day, code, label_en):
    status = status_at(client, number, day)
    assert status["code"] == code
    assert status["label_en"] == label_en


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("2025-03-15", "I01"),  # valid since issue, not yet restored
        ("2025-04-15", "S04"),
        ("2025-06-01", "T02"),
        ("2030-03-02", "E01"),
    ],
)
def test_the_reason_given_for_a_past_date_is_the_reason_in_force_that_day(
    client, number, day, reason
):
    assert status_at(client, number, day)["reason_code"] == reason


def test_without_at_the_answer_has_no_past_status(client, number):
    assert client.get(f"/api/v1/certificates/{number}").json()["at"] is None


def test_a_future_date_is_refused_with_a_bilingual_error_naming_the_field(client, number):
    response = client.get(f"/api/v1/certificates/{number}", {"at": "2030-03-06"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "at"
    assert error["value"] == "2030-03-06"
    assert "at" in error["message_en"]
    assert "today or a past date" in error["message_en"]
    assert "今天或以前的日期" in error["message_zh"]


def test_a_date_that_is_not_a_date_is_refused_naming_the_field(client, number):
    response = client.get(f"/api/v1/certificates/{number}", {"at": "2025-13-45"})
    assert response.status_code in {400, 422}
    error = response.json()["error"]
    assert error["field"] == "at"
    assert "YYYY-MM-DD" in error["message_en"]
    assert "YYYY-MM-DD" in error["message_zh"]
