"""Costly anonymous documents are limited per client: PDF certificates and marks, and status
receipts, GREENCERT_DOCUMENTS_PER_MINUTE a minute from one address; a receipt already made for a
certificate and date comes from the shared cache and counts against nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from greencert.certification.actions import suspend_certificate
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days

pytestmark = pytest.mark.django_db
ONE_A_MINUTE = override_settings(GREENCERT_DOCUMENTS_PER_MINUTE=1)


def receipt(client: Client, number: str, at: dt.date, fmt: str = "json") -> Any:
    return client.get(f"/api/v1/certificates/{number}/receipt?at={at.isoformat()}&format={fmt}")


@pytest.fixture
def frozen(time_machine: Any) -> None:
    """A fixed moment inside one rate-limit window."""
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0, 5, tzinfo=dt.UTC), tick=False)


@ONE_A_MINUTE
def test_receipts_for_many_dates_from_one_client_are_refused_past_the_limit(
    frozen, issued_certificate
):
    client = Client()
    today = timezone.localdate()
    first = receipt(client, issued_certificate.number, today)
    second = receipt(client, issued_certificate.number, today - dt.timedelta(days=1))

    assert first.status_code == 200
    assert second.status_code == 429
    error = second.json()["error"]
    assert error["code"] == "rate_limited" and error["field"] == "client"
    assert "每分钟最多生成 1 份文件" in error["message_zh"]


@ONE_A_MINUTE
def test_another_client_has_its_own_limit(frozen, issued_certificate):
    today = timezone.localdate()
    assert (
        receipt(Client(REMOTE_ADDR="198.51.100.1"), issued_certificate.number, today).status_code
        == 200
    )
    yesterday = today - dt.timedelta(days=1)
    assert (
        receipt(
            Client(REMOTE_ADDR="198.51.100.2"), issued_certificate.number, yesterday
        ).status_code
        == 200
    )


@ONE_A_MINUTE
def test_the_same_receipt_again_comes_from_the_cache_and_is_not_counted(frozen, issued_certificate):
    client = Client()
    today = timezone.localdate()
    first = receipt(client, issued_certificate.number, today)
    again = receipt(client, issued_certificate.number, today)

    assert again.status_code == 200
    assert again.json() == first.json()


def test_a_change_to_the_log_makes_the_next_receipt_anew(
    frozen, issued_certificate, body_staff: Actor
):
    client = Client()
    today = timezone.localdate()
    before = receipt(client, issued_certificate.number, today).json()["statement"]
    suspend_certificate(body_staff, issued_certificate, reason_code="S01", until=in_days(30))
    after = receipt(client, issued_certificate.number, today).json()["statement"]

    assert before["status"]["code"] == "01"
    assert after["status"]["code"] == "02"


@ONE_A_MINUTE
def test_printable_certificates_past_the_limit_are_refused_with_a_page_saying_so(
    frozen, issued_certificate
):
    client = Client()
    assert (
        client.get(f"/certificates/{issued_certificate.number}/certificate.pdf").status_code == 200
    )
    refused = client.get(f"/certificates/{issued_certificate.number}/mark.pdf?lang=en")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "no-store" in refused["Cache-Control"]
    assert "at most 1 documents" in refused.content.decode()


@ONE_A_MINUTE
def test_marks_as_images_are_not_counted(frozen, issued_certificate):
    client = Client()
    for _ in range(3):
        assert client.get(f"/certificates/{issued_certificate.number}/mark.svg").status_code == 200
