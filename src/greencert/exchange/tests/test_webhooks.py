"""Webhooks: signed, retried with backoff, in order per certificate, parked after 24 hours."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random

import pytest
import time_machine
from django.utils import timezone

from greencert.certification.actions import restore_certificate, suspend_certificate
from greencert.certification.models import CertificateEvent
from greencert.core.tests.fixtures import in_days
from greencert.exchange.actions import subscribe_webhook
from greencert.exchange.models import DeliveryState, WebhookDelivery
from greencert.exchange.tests.receiver import Receiver
from greencert.exchange.webhook_sender import verify_signature
from greencert.exchange.webhooks import UNREACHABLE, deliver_subscription, dispatch_all, next_delay

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("empty_task_queue", "loopback_receivers"),
]


def history(issue, body_staff):
    """Three certificates and five events, two of them on the same certificate."""
    first, second = issue(), issue()
    suspend_certificate(body_staff, first, reason_code="S01", until=in_days(20))
    restore_certificate(body_staff, first, reason_code="T01")
    third = issue()
    return [first, second, third]


def run_until_delivered(subscription, rounds: int = 30) -> None:
    moment = timezone.now()
    for _ in range(rounds):
        with time_machine.travel(moment, tick=False):
            deliver_subscription(subscription.pk)
        if (
            not WebhookDelivery.objects.filter(subscription=subscription)
            .exclude(state=DeliveryState.DELIVERED)
            .exists()
        ):
            return
        moment += dt.timedelta(hours=1)


def test_every_event_arrives_once_in_order_per_certificate_with_valid_signatures(
    buyer, issue, body_staff
):
    client, _ = buyer
    with Receiver(fail_first=3) as receiver:
        subscription, secret = subscribe_webhook(client, url=receiver.url, from_sequence=0)
        certificates = history(issue, body_staff)
        assert dispatch_all() == 5
        run_until_delivered(subscription)
        arrived = receiver.accepted()
    by_id: dict[str, tuple] = {}
    for headers, body, raw in arrived:
        by_id.setdefault(headers["webhook-id"], (headers, body, raw))
    expected = list(
        CertificateEvent.objects.order_by("sequence").values_list("sequence", flat=True)
    )
    assert sorted(body["data"]["sequence"] for _, body, _ in by_id.values()) == expected
    for certificate in certificates:
        order = [
            b["data"]["sequence"]
            for _, b, _ in arrived
            if b["data"]["certificate"] == certificate.number
        ]
        assert order == sorted(order)
    for headers, _, raw in arrived:
        with time_machine.travel(
            dt.datetime.fromtimestamp(int(headers["webhook-timestamp"]), dt.UTC)
        ):
            assert verify_signature(secret, headers, raw)
    assert not verify_signature("whsec_" + "A" * 32, arrived[0][0], arrived[0][2])


def test_a_signature_older_than_five_minutes_is_refused(buyer, issue):
    client, _ = buyer
    with Receiver() as receiver:
        subscription, secret = subscribe_webhook(client, url=receiver.url, from_sequence=0)
        issue()
        dispatch_all()
        deliver_subscription(subscription.pk)
        [(headers, _, raw)] = receiver.accepted()
    sent_at = dt.datetime.fromtimestamp(int(headers["webhook-timestamp"]), dt.UTC)
    with time_machine.travel(sent_at + dt.timedelta(minutes=6)):
        assert not verify_signature(secret, headers, raw)


def test_a_later_event_of_a_certificate_waits_for_the_earlier_one(buyer, issue, body_staff):
    client, _ = buyer
    with Receiver(fail_first=1) as receiver:
        subscription, _ = subscribe_webhook(client, url=receiver.url, from_sequence=0)
        certificate = issue()
        suspend_certificate(body_staff, certificate, reason_code="S01", until=in_days(20))
        dispatch_all()
        deliver_subscription(subscription.pk)  # the issued event fails; the suspension must wait
        assert receiver.accepted() == []
        run_until_delivered(subscription)
        types = [body["type"] for _, body, _ in receiver.accepted()]
    assert types == ["certificate.issued", "certificate.suspended"]


def test_a_failing_event_holds_back_only_its_own_certificate(buyer, issue):
    client, _ = buyer
    with Receiver(fail_first=1) as receiver:
        subscription, _ = subscribe_webhook(client, url=receiver.url, from_sequence=0)
        first, second = issue(), issue()
        dispatch_all()
        deliver_subscription(subscription.pk)  # the first certificate's event fails
        deliver_subscription(subscription.pk)  # the second certificate's goes on meanwhile
        certificates = [body["data"]["certificate"] for _, body, _ in receiver.accepted()]
    assert certificates == [second.number]
    waiting = WebhookDelivery.objects.get(subscription=subscription, certificate_id=first.pk)
    assert waiting.state == DeliveryState.PENDING
    assert waiting.last_status == 503


def test_filters_choose_which_events_are_delivered(buyer, issue, body_staff):
    client, _ = buyer
    with Receiver() as receiver:
        subscription, _ = subscribe_webhook(
            client, url=receiver.url, event_types=["suspended"], regions=["330000"], from_sequence=0
        )
        history(issue, body_staff)
        assert dispatch_all() == 1
        run_until_delivered(subscription)
        assert [b["type"] for _, b, _ in receiver.accepted()] == ["certificate.suspended"]


def test_a_new_subscription_starts_from_now_by_default(buyer, issue, body_staff):
    client, _ = buyer
    issue()
    _subscription, _ = subscribe_webhook(client, url="http://127.0.0.1:9/hooks")
    assert dispatch_all() == 0
    issue()
    assert dispatch_all() == 1


def test_deliveries_failing_for_24_hours_are_parked_and_can_be_replayed(buyer, issue):
    client, api = buyer
    subscription, _ = subscribe_webhook(client, url="http://127.0.0.1:9/hooks", from_sequence=0)
    issue()
    dispatch_all()
    moment = timezone.now()
    for _ in range(40):
        with time_machine.travel(moment, tick=False):
            deliver_subscription(subscription.pk)
        moment += dt.timedelta(hours=2)
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.state == DeliveryState.DEAD
    assert delivery.attempts >= 8
    assert delivery.last_error == UNREACHABLE
    assert delivery.next_attempt_at is not None
    assert delivery.first_attempt_at is not None
    assert delivery.next_attempt_at - delivery.first_attempt_at >= dt.timedelta(hours=24)
    letters = api.get(f"/api/v1/webhooks/{subscription.pk}/dead-letters").json()
    assert [letter["sequence"] for letter in letters] == [1]
    replayed = api.post(f"/api/v1/webhooks/{subscription.pk}/dead-letters/replay").json()
    assert replayed == {"replayed": 1}
    assert WebhookDelivery.objects.get(pk=delivery.pk).state == DeliveryState.PENDING


def test_backoff_grows_exponentially_with_jitter():
    rng = random.Random(1)
    delays = [next_delay(n, rng) for n in range(1, 8)]
    assert all(later > earlier for earlier, later in itertools.pairwise(delays))
    assert 8 <= delays[0] <= 12


def test_another_clients_webhook_is_not_seen_or_replayed(buyer, make_client):
    client, _ = buyer
    _, other_api = make_client("insurer", ["webhooks"])
    subscription, _ = subscribe_webhook(client, url="http://127.0.0.1:9/hooks")
    assert other_api.get(f"/api/v1/webhooks/{subscription.pk}/dead-letters").status_code == 404
    assert other_api.get("/api/v1/webhooks").json() == []


def test_subscribing_through_the_api_returns_the_secret_once(buyer):
    _, api = buyer
    response = api.post(
        "/api/v1/webhooks",
        json.dumps({"url": "https://buyer.example/hooks", "event_types": ["revoked"]}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["secret"].startswith("whsec_")
    assert "secret" not in api.get("/api/v1/webhooks").json()[0]


def test_an_unknown_event_type_is_refused_naming_it(buyer):
    _, api = buyer
    response = api.post(
        "/api/v1/webhooks",
        json.dumps({"url": "https://buyer.example/hooks", "event_types": ["exploded"]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["value"] == "exploded"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://a:b/", "malformed"),
        (f"https://{'a' * 64}.example/hooks", "each dot-separated label must be 1 to 63"),
        ("ftp://buyer.example/hooks", "expected an http:// or https:// URL"),
        ("http:///hooks", "the host name is missing"),
    ],
)
def test_a_url_that_cannot_be_used_is_refused_when_subscribing(buyer, url, problem):
    _, api = buyer
    response = api.post(
        "/api/v1/webhooks", json.dumps({"url": url}), content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "url"
    assert error["value"] == url
    assert problem in error["message_en"]
    assert "可用的 http(s) 地址" in error["message_zh"]
