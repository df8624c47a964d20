"""Webhook fan-out and delivery (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).

``dispatch`` reads the event log after each subscription's cursor and queues deliveries;
``deliver_due`` sends them from the task worker, one thread per subscription so a receiver that
is down never delays another client. Within a subscription, a certificate's events go out in
sequence order: a later event waits while an earlier one of the same certificate is pending.
Failures are retried with exponential backoff and jitter for at least 24 hours, then parked
as dead letters the client can replay.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import random
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from greencert.certification.models import CertificateEvent
from greencert.exchange.feed import FEED_FIELDS
from greencert.exchange.models import DeliveryState, WebhookDelivery, WebhookSubscription

RETRY_DELAYS = (10, 30, 120, 300, 900, 1800, 3600, 7200, 14400, 21600, 28800)
RETRY_FOR = dt.timedelta(hours=24)
TIMEOUT_SECONDS = 5
# A worker claims a delivery for this long before sending it, so no two workers send it twice.
LEASE = dt.timedelta(seconds=60)
DISPATCH_BATCH = 5000


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify_signature(
    secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300
) -> bool:
    """What a receiver does (and the tests): check the signature and the timestamp's freshness."""
    message_id = headers.get("webhook-id", "")
    timestamp = int(headers.get("webhook-timestamp", "0"))
    if abs(timezone.now().timestamp() - timestamp) > tolerance:
        return False
    expected = sign(secret, message_id, timestamp, body)
    return any(
        hmac.compare_digest(expected, candidate)
        for candidate in headers.get("webhook-signature", "").split()
    )


def _matches(subscription: WebhookSubscription, row: dict[str, Any]) -> bool:
    if subscription.event_types and row["event_type"] not in subscription.event_types:
        return False
    if subscription.holders and row["certificate__holder__credit_code"] not in subscription.holders:
        return False
    if (
        subscription.categories
        and row["certificate__category__code"] not in subscription.categories
    ):
        return False
    if subscription.regions:
        places = {row["certificate__province_code"], row["certificate__city_code"]}
        if not places & set(subscription.regions):
            return False
    return True


def dispatch(subscription: WebhookSubscription) -> int:
    """Queue deliveries for the events after the subscription's cursor; returns how many."""
    from greencert.certification.lifecycle.log import last_sequence

    latest = last_sequence()
    upper = min(subscription.cursor + DISPATCH_BATCH, latest)
    if upper <= subscription.cursor:
        return 0
    rows = (
        CertificateEvent.objects.filter(sequence__gt=subscription.cursor, sequence__lte=upper)
        .order_by("sequence")
        .values("id", "certificate_id", *FEED_FIELDS)
    )
    now = timezone.now()
    queued = [
        WebhookDelivery(
            subscription=subscription,
            event_id=row["id"],
            certificate_id=row["certificate_id"],
            next_attempt_at=now,
        )
        for row in rows
        if _matches(subscription, row)
    ]
    with transaction.atomic():
        moved = WebhookSubscription.objects.filter(
            pk=subscription.pk, cursor=subscription.cursor
        ).update(cursor=upper)
        if not moved:  # another worker dispatched this range
            return 0
        WebhookDelivery.objects.bulk_create(queued, ignore_conflicts=True)
    subscription.cursor = upper
    return len(queued)


def dispatch_all() -> int:
    total = 0
    for subscription in WebhookSubscription.objects.filter(active=True, client__active=True):
        while True:
            count = dispatch(subscription)
            total += count
            if not count and not _behind(subscription):
                break
    return total


def _behind(subscription: WebhookSubscription) -> bool:
    from greencert.certification.lifecycle.log import last_sequence

    return subscription.cursor < last_sequence()


def payload_for(delivery: WebhookDelivery) -> bytes:
    row = CertificateEvent.objects.filter(pk=delivery.event_id).values(*FEED_FIELDS).get()
    data = {
        "sequence": row["sequence"],
        "certificate": row["certificate__number"],
        "holder": row["certificate__holder__credit_code"],
        "category": row["certificate__category__code"],
        "province_code": row["certificate__province_code"],
        "city_code": row["certificate__city_code"],
        "type": row["event_type"],
        "status_before": row["status_before"],
        "status_after": row["status_after"],
        "reason_code": row["reason_code"],
        "effective_at": row["effective_at"],
        "recorded_at": row["recorded_at"],
    }
    body = {
        "type": f"certificate.{row['event_type']}",
        "timestamp": row["recorded_at"],
        "data": data,
    }
    return json.dumps(
        body, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode()


def _post(subscription: WebhookSubscription, delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = payload_for(delivery)
    timestamp = int(timezone.now().timestamp())
    request = urllib.request.Request(
        subscription.url,
        data=body,
        method="POST",
        headers={
            "content-type": "application/json",
            "user-agent": "greencert-webhooks/1",
            "webhook-id": delivery.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(subscription.secret, delivery.message_id, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))[:300]


def next_delay(attempts: int, rng: random.Random | None = None) -> float:
    """Seconds before the next attempt after ``attempts`` failures, with ±20 % jitter."""
    base = RETRY_DELAYS[min(attempts - 1, len(RETRY_DELAYS) - 1)]
    return base * (0.8 + 0.4 * (rng or random).random())


def _record_failure(delivery: WebhookDelivery, status: int | None, error: str) -> None:
    now = timezone.now()
    first = delivery.first_attempt_at or now
    attempts = delivery.attempts + 1
    dead = now - first >= RETRY_FOR
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        first_attempt_at=first,
        last_status=status,
        last_error=error,
        state=DeliveryState.DEAD if dead else DeliveryState.PENDING,
        next_attempt_at=now + dt.timedelta(seconds=next_delay(attempts)),
    )


def deliver_subscription(subscription_id: int, now: dt.datetime | None = None) -> int:
    """Send the subscription's due deliveries in order; stops at the first failure. Returns sent."""
    now = now or timezone.now()
    subscription = WebhookSubscription.objects.get(pk=subscription_id)
    pending = list(
        WebhookDelivery.objects.filter(
            subscription=subscription, state=DeliveryState.PENDING
        ).order_by("event_id")
    )
    held: set[int] = set()  # certificates with an earlier event still undelivered
    sent = 0
    for delivery in pending:
        if delivery.certificate_id in held:
            continue
        held.add(delivery.certificate_id)
        if delivery.next_attempt_at > now:
            continue
        claimed = WebhookDelivery.objects.filter(
            pk=delivery.pk, state=DeliveryState.PENDING, next_attempt_at=delivery.next_attempt_at
        ).update(next_attempt_at=now + LEASE)
        if not claimed:  # another worker is sending it
            continue
        status, error = _post(subscription, delivery)
        if status is not None and 200 <= status < 300:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                state=DeliveryState.DELIVERED,
                delivered_at=timezone.now(),
                attempts=delivery.attempts + 1,
                last_status=status,
                last_error="",
                first_attempt_at=delivery.first_attempt_at or timezone.now(),
            )
            held.discard(delivery.certificate_id)
            sent += 1
        else:
            _record_failure(delivery, status, error or f"HTTP {status}")
            break  # the receiver is failing: try again on a later pass, others go on meanwhile
    return sent


def _deliver_in_thread(subscription_id: int) -> int:
    try:
        return deliver_subscription(subscription_id)
    finally:
        connection.close()


def deliver_due(max_workers: int = 8) -> int:
    """One delivery pass over every subscription with due work, each in its own thread."""
    close_old_connections()
    ids = list(
        WebhookDelivery.objects.filter(
            state=DeliveryState.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("subscription_id")
        .values_list("subscription_id", flat=True)
        .distinct()
    )
    if not ids:
        return 0
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] in {":memory:", ""}:
        return sum(deliver_subscription(i) for i in ids)
    with ThreadPoolExecutor(max_workers=min(max_workers, len(ids))) as pool:
        return sum(pool.map(_deliver_in_thread, ids))
