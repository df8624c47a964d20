"""One subscription cannot hurt the others: each delivery fails or succeeds alone, within a total
deadline; stopped subscriptions and clients receive nothing more; a backfill is queued in batches."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from greencert.certification.actions import suspend_certificate
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days
from greencert.exchange import webhooks
from greencert.exchange.actions import new_webhook_secret, revoke_tokens, subscribe_webhook
from greencert.exchange.models import DeliveryState, WebhookDelivery, WebhookSubscription
from greencert.exchange.tasks import deliver_webhooks, webhook_round
from greencert.exchange.tests.receiver import Receiver

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("empty_task_queue", "loopback_receivers"),
]

UNUSABLE_URLS = ["http://a:b/", f"http://{'a' * 64}.example/hooks"]


def legacy_subscription(client, url: str) -> WebhookSubscription:
    """A subscription stored before URLs were checked when subscribing."""
    return WebhookSubscription.objects.create(client=client, url=url, secret=new_webhook_secret())


def states(subscription) -> list[str]:
    return list(
        WebhookDelivery.objects.filter(subscription=subscription)
        .order_by("event_id")
        .values_list("state", flat=True)
    )


def test_an_unusable_url_parks_its_own_deliveries_and_the_others_still_arrive(make_client, issue):
    broken_client, _ = make_client("broken-buyer", ["webhooks"])
    good_client, _ = make_client("good-buyer", ["webhooks"])
    broken = [legacy_subscription(broken_client, url) for url in UNUSABLE_URLS]
    with Receiver() as receiver:
        good, _ = subscribe_webhook(good_client, url=receiver.url, from_sequence=0)
        issue(), issue()
        webhook_round()
        assert len(receiver.accepted()) == 2
    assert states(good) == [DeliveryState.DELIVERED] * 2
    for subscription in broken:
        assert states(subscription) == [DeliveryState.DEAD] * 2
        error = WebhookDelivery.objects.filter(subscription=subscription).first().last_error
        assert subscription.url[:40] in error
        assert "unusable" in error and "无法使用" in error
    assert "Port could not be cast to integer" in (
        WebhookDelivery.objects.filter(subscription=broken[0]).first().last_error
    )
    assert "label must be 1 to 63 characters" in (
        WebhookDelivery.objects.filter(subscription=broken[1]).first().last_error
    )


def test_an_unexpected_error_in_one_delivery_is_recorded_on_it_and_the_rest_go_on(
    make_client, issue, monkeypatch
):
    client, _ = make_client("buyer", ["webhooks"])
    with Receiver() as receiver:
        subscription, _ = subscribe_webhook(client, url=receiver.url, from_sequence=0)
        other, _ = subscribe_webhook(
            make_client("insurer", ["webhooks"])[0], url=receiver.url, from_sequence=0
        )
        issue()
        real_payload = webhooks.payload_for

        def payload_for(delivery):
            if delivery.subscription_id == subscription.pk:
                raise KeyError("status_after")
            return real_payload(delivery)

        monkeypatch.setattr(webhooks, "payload_for", payload_for)
        webhook_round()
        assert len(receiver.accepted()) == 1
    failed = WebhookDelivery.objects.get(subscription=subscription)
    assert failed.state == DeliveryState.PENDING
    # The exception's text goes to the log, not to the client reading its dead letters.
    assert failed.last_error == "发送失败 / the delivery failed"
    assert states(other) == [DeliveryState.DELIVERED]


def test_a_receiver_trickling_its_answer_is_cut_off_at_the_deadline_and_others_still_get_theirs(
    make_client, issue, monkeypatch
):
    # One byte every 0.2 s never lets the 5 s socket timeout fire; only the total deadline can.
    monkeypatch.setattr(webhooks, "DEADLINE_SECONDS", 1.0)
    slow_client, _ = make_client("slow-insurer", ["webhooks"])
    fast_client, _ = make_client("fast-buyer", ["webhooks"])
    with Receiver(trickle=0.2) as slow, Receiver() as fast:
        slow_subscription, _ = subscribe_webhook(slow_client, url=slow.url, from_sequence=0)
        subscribe_webhook(fast_client, url=fast.url, from_sequence=0)
        issue(), issue(), issue()
        webhook_round()
        assert len(fast.accepted()) == 3
    cut_off = WebhookDelivery.objects.filter(subscription=slow_subscription).order_by("event_id")
    assert [d.state for d in cut_off] == [DeliveryState.PENDING] * 3
    assert cut_off[0].attempts == 1
    assert cut_off[0].last_error == (
        "接收方未在 1 秒总时限内答复 / no complete answer within the 1 s deadline"
    )
    assert [d.attempts for d in cut_off[1:]] == [0, 0]  # a failing receiver is left for later


@pytest.mark.django_db(transaction=True)
def test_a_receiver_that_hangs_ties_up_only_its_own_delivery_task(make_client, issue):
    slow_client, _ = make_client("slow-insurer", ["webhooks"])
    fast_client, _ = make_client("fast-buyer", ["webhooks"])
    hold = threading.Event()
    with Receiver(hold=hold) as slow, Receiver() as fast:
        slow_subscription, _ = subscribe_webhook(slow_client, url=slow.url, from_sequence=0)
        fast_subscription, _ = subscribe_webhook(fast_client, url=fast.url, from_sequence=0)
        issue(), issue()
        webhooks.dispatch_all()

        # Two worker threads, as the worker runs them: the slow receiver holds one of them.
        def serve_slow() -> None:
            try:
                deliver_webhooks.call_local(slow_subscription.pk)
            finally:
                connection.close()

        slow_task = threading.Thread(target=serve_slow)
        slow_task.start()
        try:
            deliver_webhooks.call_local(fast_subscription.pk)
            fast_done_while_slow_held = len(fast.accepted()) == 2 and slow.answered == 0
        finally:
            hold.set()
            slow_task.join(timeout=30)
    assert fast_done_while_slow_held


def test_a_round_starts_no_second_delivery_task_for_a_subscription_already_served(
    make_client, issue
):
    client, _ = make_client("buyer", ["webhooks"])
    subscription, _ = subscribe_webhook(client, url="http://127.0.0.1:9/hooks", from_sequence=0)
    issue()
    webhooks.dispatch_all()
    assert webhooks.claim_due_subscriptions() == [subscription.pk]
    assert webhooks.claim_due_subscriptions() == []
    webhooks.deliver_subscription(subscription.pk)  # ends by freeing the subscription
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        assert webhooks.claim_due_subscriptions() == [subscription.pk]


def test_a_deleted_subscription_receives_no_more_retries(buyer, issue):
    client, api = buyer
    with Receiver(fail_first=100) as receiver:
        subscription, _ = subscribe_webhook(client, url=receiver.url, from_sequence=0)
        issue()
        webhook_round()
        assert receiver.answered == 1  # failed: a retry is due in about 10 seconds
        assert api.delete(f"/api/v1/webhooks/{subscription.pk}").status_code == 204
        with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
            issue()
            webhook_round()
            webhooks.deliver_subscription(subscription.pk)
        assert receiver.answered == 1
    assert states(subscription) == [DeliveryState.CANCELLED]
    # Deleted: gone from the client's list, its dead letters and replay answer 404.
    assert api.get("/api/v1/webhooks").json() == []
    assert api.get(f"/api/v1/webhooks/{subscription.pk}/dead-letters").status_code == 404
    assert api.post(f"/api/v1/webhooks/{subscription.pk}/dead-letters/replay").status_code == 404
    assert api.delete(f"/api/v1/webhooks/{subscription.pk}").status_code == 404


@pytest.mark.parametrize("stop", ["subscription", "client", "tokens"])
def test_a_deactivated_subscription_or_client_receives_nothing_more(make_client, issue, stop):
    client, _ = make_client("buyer", ["webhooks"])
    with Receiver(fail_first=100) as receiver:
        subscription, _ = subscribe_webhook(client, url=receiver.url, from_sequence=0)
        issue()
        webhook_round()
        assert receiver.answered == 1
        if stop == "subscription":  # as the back office does: the flag alone
            WebhookSubscription.objects.filter(pk=subscription.pk).update(active=False)
        elif stop == "client":
            client.active = False
            client.save()
        else:
            revoke_tokens(Actor.for_system("console"), client)
        with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
            issue()
            assert webhooks.dispatch_all() == 0
            webhooks.deliver_subscription(subscription.pk)
            webhook_round()
        assert receiver.answered == 1
    assert states(subscription) == [DeliveryState.CANCELLED]


def test_a_backfill_from_sequence_zero_is_queued_in_bounded_batches_and_all_arrives_in_order(
    buyer, issue, body_staff, monkeypatch
):
    monkeypatch.setattr(webhooks, "BACKLOG", 4)
    monkeypatch.setattr(webhooks, "DISPATCH_BATCH", 3)
    monkeypatch.setattr(webhooks, "PAGE", 2)
    _, api = buyer
    certificates = [issue() for _ in range(5)]
    for certificate in certificates[:3]:
        suspend_certificate(body_staff, certificate, reason_code="S01", until=in_days(20))
    with Receiver() as receiver:
        response = api.post(
            "/api/v1/webhooks",
            json.dumps({"url": receiver.url, "from_sequence": 0}),
            content_type="application/json",
        )
        subscription = WebhookSubscription.objects.get(pk=response.json()["id"])
        assert WebhookDelivery.objects.filter(subscription=subscription).count() == 0
        assert webhooks.dispatch(subscription) == 4  # the backlog's worth, not all eight
        subscription.refresh_from_db()
        assert subscription.cursor == 4
        assert len(webhooks.due_page(subscription.pk)) == 2
        for _ in range(5):
            webhook_round()
        sequences = [body["data"]["sequence"] for _, body, _ in receiver.accepted()]
    assert sequences == list(range(1, 9))
