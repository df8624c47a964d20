"""Webhook fan-out and delivery (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).

The task worker runs a *round* every two seconds (``exchange/tasks.py``). A round fans the event log
out into delivery rows, a bounded batch per subscription, and starts one delivery task for each
subscription with due deliveries. A delivery task sends them in sequence order; a certificate's
later event waits while an earlier one of the same certificate is pending, so each receiver sees
every certificate's events in order. Each attempt has a total deadline and fails or succeeds on
its own. Failures are retried with exponential backoff and jitter for at least 24 hours, then
parked as dead letters the client can replay. Deliveries of a deleted or deactivated
subscription, or of a deactivated client or one whose tokens are all revoked, are cancelled.
"""

from __future__ import annotations

import datetime as dt
import enum
import http.client
import json
import logging
import random
import time
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from greencert.certification.lifecycle.log import last_sequence
from greencert.certification.models import CertificateEvent
from greencert.exchange.feed import FEED_FIELDS
from greencert.exchange.models import (
    ApiToken,
    DeliveryState,
    WebhookDelivery,
    WebhookSubscription,
)
from greencert.exchange.webhook_sender import (
    BadTarget,
    DeadlineExceeded,
    post,
    signed_headers,
)

logger = logging.getLogger(__name__)

RETRY_DELAYS = (10, 30, 120, 300, 900, 1800, 3600, 7200, 14400, 21600, 28800)
RETRY_FOR = dt.timedelta(hours=24)
# One attempt, from connecting to the status line of the answer.
DEADLINE_SECONDS = 10.0
SOCKET_TIMEOUT_SECONDS = 5.0
# A delivery being sent is not due again for this long, so no two tasks send it twice.
LEASE = dt.timedelta(seconds=60)
# A delivery task sends for this long at most, then leaves the rest to the next round.
TASK_SECONDS = 30.0
# How long a subscription counts as being served by a queued or running delivery task; longer
# than a task can run (TASK_SECONDS plus one deadline), and a lost task frees it after that.
SENDING_CLAIM = dt.timedelta(seconds=120)
# Fan-out: events read per query, events read per subscription per round (filters may match
# few of them), and the pending deliveries a subscription may have before no more are queued.
DISPATCH_BATCH = 1000
DISPATCH_SCAN = 20_000
BACKLOG = 500
# Deliveries read per query by a delivery task.
PAGE = 50


def _receiving_rows() -> QuerySet[WebhookSubscription]:
    now = timezone.now()
    usable_token = ApiToken.objects.filter(
        client=OuterRef("client"), revoked_at__isnull=True
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    return (
        WebhookSubscription.objects.filter(active=True, client__active=True)
        .filter(Exists(usable_token))
        .select_related("client")
        .order_by("pk")
    )


def receiving_subscriptions() -> list[WebhookSubscription]:
    """Active subscriptions of active clients that hold the webhooks scope and a usable token."""
    return [s for s in _receiving_rows() if "webhooks" in s.client.scopes]


def _receiving(subscription_id: int) -> WebhookSubscription | None:
    subscription = _receiving_rows().filter(pk=subscription_id).first()
    if subscription is None or "webhooks" not in subscription.client.scopes:
        return None
    return subscription


def cancel_stopped() -> int:
    """Cancel the pending deliveries of subscriptions that receive nothing any more."""
    receiving = {s.pk for s in receiving_subscriptions()}
    stopped = list(
        WebhookSubscription.objects.exclude(pk__in=receiving).values_list("pk", flat=True)
    )
    if not stopped:
        return 0
    return WebhookDelivery.objects.filter(
        subscription_id__in=stopped, state=DeliveryState.PENDING
    ).update(
        state=DeliveryState.CANCELLED,
        last_error="订阅或客户已停用 / the subscription or its client was stopped",
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
    """Queue deliveries for events after the subscription's cursor; returns how many.

    Bounded however far behind the cursor is: at most ``DISPATCH_SCAN`` events are read, a
    ``DISPATCH_BATCH`` at a time, and queueing stops once the subscription has ``BACKLOG``
    pending deliveries; the next round goes on from the cursor.
    """
    latest = last_sequence()
    room = BACKLOG - (
        WebhookDelivery.objects.filter(subscription=subscription, state=DeliveryState.PENDING)
        .values("pk")[:BACKLOG]
        .count()
    )
    queued = 0
    scanned = 0
    while room > 0 and subscription.cursor < latest and scanned < DISPATCH_SCAN:
        upper = min(subscription.cursor + DISPATCH_BATCH, latest)
        rows = (
            CertificateEvent.objects.filter(sequence__gt=subscription.cursor, sequence__lte=upper)
            .order_by("sequence")
            .values("id", "certificate_id", *FEED_FIELDS)
        )
        matching = [row for row in rows if _matches(subscription, row)]
        if len(matching) > room:
            matching = matching[:room]
            upper = matching[-1]["sequence"]
        scanned += upper - subscription.cursor
        now = timezone.now()
        with transaction.atomic():
            moved = WebhookSubscription.objects.filter(
                pk=subscription.pk, cursor=subscription.cursor
            ).update(cursor=upper)
            if not moved:  # another round dispatched this range
                return queued
            WebhookDelivery.objects.bulk_create(
                [
                    WebhookDelivery(
                        subscription=subscription,
                        event_id=row["id"],
                        certificate_id=row["certificate_id"],
                        next_attempt_at=now,
                    )
                    for row in matching
                ],
                ignore_conflicts=True,
            )
        subscription.cursor = upper
        queued += len(matching)
        room -= len(matching)
    return queued


def dispatch_all() -> int:
    """One fan-out step for every receiving subscription; one failing stays its own."""
    total = 0
    for subscription in receiving_subscriptions():
        try:
            total += dispatch(subscription)
        except Exception:
            logger.exception("dispatch for webhook subscription %s failed", subscription.pk)
    return total


def claim_due_subscriptions() -> list[int]:
    """Subscriptions with due deliveries and no delivery task yet, each now claimed for one."""
    now = timezone.now()
    receiving = [s.pk for s in receiving_subscriptions()]
    due = (
        WebhookDelivery.objects.filter(
            state=DeliveryState.PENDING, next_attempt_at__lte=now, subscription_id__in=receiving
        )
        .order_by("subscription_id")
        .values_list("subscription_id", flat=True)
        .distinct()
    )
    claimed = []
    for subscription_id in due:
        if (
            WebhookSubscription.objects.filter(pk=subscription_id)
            .filter(Q(sending_until__isnull=True) | Q(sending_until__lt=now))
            .update(sending_until=now + SENDING_CLAIM)
        ):
            claimed.append(subscription_id)
    return claimed


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


def next_delay(attempts: int, rng: random.Random | None = None) -> float:
    """Seconds before the next attempt after ``attempts`` failures, with ±20 % jitter."""
    base = RETRY_DELAYS[min(attempts - 1, len(RETRY_DELAYS) - 1)]
    return base * (0.8 + 0.4 * (rng or random).random())


def _record_failure(
    delivery: WebhookDelivery, status: int | None, error: str, *, park: bool = False
) -> None:
    """Count a failed attempt; park the delivery once it has failed for ``RETRY_FOR``. The
    certificate's later deliveries to this subscription wait as long as it does."""
    now = timezone.now()
    first = delivery.first_attempt_at or now
    attempts = delivery.attempts + 1
    dead = park or now - first >= RETRY_FOR
    next_at = now + dt.timedelta(seconds=next_delay(attempts))
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts,
            first_attempt_at=first,
            last_status=status,
            last_error=error[:300],
            state=DeliveryState.DEAD if dead else DeliveryState.PENDING,
            next_attempt_at=next_at,
        )
        if not dead:
            WebhookDelivery.objects.filter(
                subscription_id=delivery.subscription_id,
                certificate_id=delivery.certificate_id,
                state=DeliveryState.PENDING,
                event_id__gt=delivery.event_id,
                next_attempt_at__lt=next_at,
            ).update(next_attempt_at=next_at)


def _record_success(delivery: WebhookDelivery, status: int) -> None:
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.DELIVERED,
        delivered_at=now,
        attempts=delivery.attempts + 1,
        last_status=status,
        last_error="",
        first_attempt_at=delivery.first_attempt_at or now,
    )


# One wording for every way a connection can fail (refused, filtered, reset, not HTTP): the
# dead-letter list must not tell a client which ports of a host are open.
UNREACHABLE = (
    "无法连接接收方或其答复不是 HTTP / the receiver could not be reached or did not answer in HTTP"
)


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    FAILED = "failed"  # recorded; retried after the backoff, or parked after 24 hours
    UNUSABLE_URL = "unusable_url"  # recorded and parked at once: no retry can help
    TAKEN = "taken"  # another task is sending it


def attempt(subscription: WebhookSubscription, delivery: WebhookDelivery) -> Outcome:
    """Send one delivery. Never raises: whatever goes wrong is this delivery's failure, recorded
    on its row, and leaves every other delivery alone."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=DeliveryState.PENDING, next_attempt_at=delivery.next_attempt_at
    ).update(next_attempt_at=now + LEASE)
    if not claimed:
        return Outcome.TAKEN
    try:
        body = payload_for(delivery)
        status = post(
            subscription.url,
            body,
            signed_headers(subscription.secret, delivery.message_id, body, timezone.now()),
            deadline=DEADLINE_SECONDS,
            socket_timeout=SOCKET_TIMEOUT_SECONDS,
        )
    except BadTarget as exc:
        _record_failure(delivery, None, str(exc), park=True)
        return Outcome.UNUSABLE_URL
    except DeadlineExceeded as exc:
        _record_failure(delivery, None, str(exc))
        return Outcome.FAILED
    except (OSError, http.client.HTTPException):
        _record_failure(delivery, None, UNREACHABLE)
        return Outcome.FAILED
    except Exception:
        logger.exception("webhook delivery %s failed unexpectedly", delivery.message_id)
        _record_failure(delivery, None, "发送失败 / the delivery failed")
        return Outcome.FAILED
    if 200 <= status < 300:
        _record_success(delivery, status)
        return Outcome.DELIVERED
    _record_failure(delivery, status, f"HTTP {status}")
    return Outcome.FAILED


def due_page(subscription_id: int) -> list[WebhookDelivery]:
    """The first ``PAGE`` due deliveries of the subscription that no earlier pending delivery of
    the same certificate holds back, in sequence order."""
    earlier = WebhookDelivery.objects.filter(
        subscription_id=OuterRef("subscription_id"),
        certificate_id=OuterRef("certificate_id"),
        state=DeliveryState.PENDING,
        event_id__lt=OuterRef("event_id"),
    )
    return list(
        WebhookDelivery.objects.filter(
            subscription_id=subscription_id,
            state=DeliveryState.PENDING,
            next_attempt_at__lte=timezone.now(),
        )
        .filter(~Exists(earlier))
        .order_by("event_id")[:PAGE]
    )


def deliver_subscription(subscription_id: int, seconds: float | None = None) -> int:
    """Send the subscription's due deliveries, in order, for ``TASK_SECONDS`` at most; returns how
    many were delivered. A failed attempt ends the task (the receiver is failing; the next round
    tries again once the backoff is over), except for an unusable URL, which fails every
    delivery at once without a request."""
    ends = time.monotonic() + (TASK_SECONDS if seconds is None else seconds)
    sent = 0
    try:
        while time.monotonic() < ends:
            page = due_page(subscription_id)
            if not page:
                break
            for delivery in page:
                # Checked before every attempt: a subscription deleted or a client stopped
                # a moment ago receives nothing more.
                subscription = _receiving(subscription_id)
                if subscription is None:
                    cancel_stopped()
                    return sent
                outcome = attempt(subscription, delivery)
                if outcome is Outcome.DELIVERED:
                    sent += 1
                elif outcome is Outcome.FAILED:
                    return sent
                if time.monotonic() >= ends:
                    return sent
    finally:
        WebhookSubscription.objects.filter(pk=subscription_id).update(sending_until=None)
    return sent


def oldest_due_delivery(now: dt.datetime | None = None) -> dt.datetime | None:
    """When the longest-waiting due delivery became due (None: nothing is due); one index read,
    as fixed SQL: ``/healthz`` asks on every call, and building the query with the ORM would cost
    several times its execution."""
    field = WebhookDelivery._meta.get_field("next_attempt_at")
    sql = (
        f"SELECT {field.column} FROM {WebhookDelivery._meta.db_table} "
        f"WHERE state = %s AND {field.column} <= %s ORDER BY {field.column} LIMIT 1"
    )
    when = connection.ops.adapt_datetimefield_value(now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [DeliveryState.PENDING.value, when])
        row = cursor.fetchone()
    if row is None:
        return None
    value = row[0]
    if isinstance(value, str):  # SQLite answers text
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)
