"""Idempotency keys of the bodies' writes: a retry answers as the first time and writes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from greencert.api.tests.contract import assert_documented
from greencert.certification.models import Certificate, CertificateEvent
from greencert.core.tests.fixtures import events_of
from greencert.exchange.idempotency import KEY_LIFETIME, purge_expired_keys
from greencert.exchange.models import IdempotentRequest
from greencert.exchange.tasks import purge_idempotency_keys
from greencert.exchange.tests.body_requests import (
    EVENTS,
    ISSUE,
    issue,
    issue_payload,
    post,
    record,
)

pytestmark = pytest.mark.django_db


def test_a_retried_issue_answers_as_the_first_time_and_writes_nothing(body_system):
    _, api = body_system
    first = issue(api, key="7d1b-retry")
    again = issue(api, key="7d1b-retry")
    assert (first.status_code, again.status_code) == (201, 201), first.content.decode()
    assert again.content == first.content
    assert (again["Location"], again["ETag"]) == (first["Location"], first["ETag"])
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Certificate.objects.count() == 1
    assert CertificateEvent.objects.count() == 1


def test_a_retried_change_records_one_event(body_system, issued_certificate):
    _, api = body_system
    first = record(api, issued_certificate.number, key="v-1", event="surveillance_passed")
    again = record(api, issued_certificate.number, key="v-1", event="surveillance_passed")
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert [e.event_type for e in events_of(issued_certificate)] == [
        "issued",
        "surveillance_passed",
    ]


def test_a_retry_based_on_the_etag_it_changed_is_answered_not_refused_as_stale(
    body_system, issued_certificate
):
    _, api = body_system
    etag = f'"{issued_certificate.last_event_sequence}"'
    first = record(
        api, issued_certificate.number, key="s-1", event="surveillance_passed", if_match=etag
    )
    again = record(
        api, issued_certificate.number, key="s-1", event="surveillance_passed", if_match=etag
    )
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == first.content


def test_the_same_key_with_a_different_request_is_refused(body_system):
    _, api = body_system
    issue(api, key="k-9")
    response = issue(api, key="k-9", body_number="ZJ-2026-GP-0008")
    answer = assert_documented(response, "post", ISSUE)
    assert response.status_code == 422
    assert answer["error"]["code"] == "idempotency_key_reused"
    assert answer["error"]["field"] == "Idempotency-Key"
    assert "同一个请求" in answer["error"]["message_zh"]
    assert "same request" in answer["error"]["message_en"]
    assert Certificate.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_a_different_request(body_system):
    _, api = body_system
    number = issue(api, key="k-1").json()["number"]
    response = record(api, number, key="k-1", event="surveillance_passed")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_key_order_and_spacing_of_the_body_do_not_make_another_request(body_system):
    _, api = body_system
    payload = issue_payload()
    assert post(api, ISSUE, payload, "k-2").status_code == 201
    reordered = json.dumps(dict(reversed(payload.items())), indent=2)
    again = api.post(
        ISSUE, reordered, content_type="application/json", headers={"Idempotency-Key": "k-2"}
    )
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"


def test_a_quoted_key_is_the_same_key(body_system):
    _, api = body_system
    issue(api, key="abc-123")
    assert issue(api, key='"abc-123"')["Idempotent-Replayed"] == "true"


def test_a_write_without_a_key_is_refused_and_writes_nothing(body_system, issued_certificate):
    _, api = body_system
    for response, path in (
        (issue(api, key=None), ISSUE),
        (record(api, issued_certificate.number, key=None, event="surveillance_passed"), EVENTS),
    ):
        answer = assert_documented(response, "post", path)
        assert response.status_code == 400
        assert answer["error"]["code"] == "idempotency_key_required"
        assert "Idempotency-Key" in answer["error"]["message_zh"]
    assert Certificate.objects.count() == 1
    assert len(events_of(issued_certificate)) == 1


@pytest.mark.parametrize("key", ["with space", "x" * 256, "引号", '"'])
def test_a_key_that_is_not_visible_ascii_is_refused(body_system, key):
    _, api = body_system
    response = issue(api, key=key)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"


def test_a_refused_request_does_not_use_up_its_key(body_system):
    _, api = body_system
    refused = issue(api, key="fix-me", site_region="999999")
    assert refused.status_code == 400
    corrected = issue(api, key="fix-me")
    assert corrected.status_code == 201
    assert not corrected.has_header("Idempotent-Replayed")
    assert IdempotentRequest.objects.get().status_code == 201


def test_keys_are_each_clients_own(body_system, make_client, body):
    _, api = body_system
    _, second_system = make_client("body-system-2", ["certify"], body=body)
    assert issue(api, key="shared").status_code == 201
    response = issue(second_system, key="shared", body_number="ZJ-2026-GP-0009")
    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert Certificate.objects.count() == 2


def test_a_key_past_its_lifetime_is_free_again(body_system, time_machine):
    _, api = body_system
    time_machine.move_to(timezone.now() - KEY_LIFETIME - dt.timedelta(minutes=1))
    assert issue(api, key="old").status_code == 201
    time_machine.move_to(timezone.now() + KEY_LIFETIME + dt.timedelta(minutes=2))
    response = issue(api, key="old", body_number="ZJ-2026-GP-0010")
    assert response.status_code == 201
    assert Certificate.objects.count() == 2
    assert IdempotentRequest.objects.count() == 1


def test_the_hourly_purge_forgets_keys_past_their_lifetime(body_system):
    _, api = body_system
    issue(api, key="old")
    issue(api, key="new", body_number="ZJ-2026-GP-0011")
    IdempotentRequest.objects.filter(key="old").update(
        created_at=timezone.now() - KEY_LIFETIME - dt.timedelta(seconds=1)
    )
    purge_idempotency_keys.call_local()
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]
    assert purge_expired_keys() == 0
