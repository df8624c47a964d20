"""Adoption API (采信接口): batch verification, change feed, webhooks, adoption records; and the
certification bodies' writes (``body_writes``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from greencert.certification.lookup import find_certificate
from greencert.certification.models import CertificateEvent
from greencert.core.actors import Actor
from greencert.core.errors import ValidationFailed
from greencert.core.responses import json_response
from greencert.core.schemas import ERROR_STATUSES, ErrorBody, PathRowId
from greencert.exchange import actions
from greencert.exchange.auth import ClientToken
from greencert.exchange.batch_receipts import issue_batch_receipt
from greencert.exchange.batch_verification import MAX_ITEMS, verify_batch
from greencert.exchange.body_writes import router as body_writes_router
from greencert.exchange.due_actions import router as due_actions_router
from greencert.exchange.feed import read_changes
from greencert.exchange.filters import ChangeFilters
from greencert.exchange.models import AdoptionRecord, DeliveryState, WebhookSubscription
from greencert.exchange.schemas import (
    AdoptionIn,
    AdoptionOut,
    ChangesOut,
    DeadLetterOut,
    ReplayOut,
    VerifyIn,
    VerifyOut,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
)

# Every operation of a router needs a client token with the router's scope.
verify_router = Router(tags=["verification 核验"], auth=ClientToken("verify"))
changes_router = Router(tags=["change feed 变更"], auth=ClientToken("feed"))
webhooks_router = Router(tags=["webhooks 推送"], auth=ClientToken("webhooks"))
adoptions_router = Router(tags=["adoption 采信"], auth=ClientToken("adoption"))
ROUTERS = {
    "/verify": verify_router,
    "/changes": changes_router,
    "/webhooks": webhooks_router,
    "/adoptions": adoptions_router,
    # POST beside certification's GET of the same paths (``api.api`` joins them).
    "/certificates": body_writes_router,
    "/due-actions": due_actions_router,
}


@verify_router.post(
    "",
    response={200: VerifyOut, ERROR_STATUSES: ErrorBody},
    summary="Batch verification 批量查验",
)
def verify(request: HttpRequest, body: VerifyIn) -> JsonResponse:
    """Up to 1,000 certificate numbers or holder credit codes in one call.

    A number may be the registry's (`GC…`) or the issuing body's own (机构证书编号); `matched_by`
    says which found the certificate. Each query is answered found / several / mistyped /
    malformed / unknown, with each certificate's status now and, given `at` (the bid date), its
    status on that date from the event log. `several`: more than one body gave out that number;
    every one of their certificates is listed, each with its `body` and registry `number`.
    """
    if len(body.numbers) + len(body.holders) > MAX_ITEMS:
        raise ValidationFailed(
            field="numbers",
            value=len(body.numbers) + len(body.holders),
            expected_zh=f"每次最多 {MAX_ITEMS} 个编号与信用代码",
            expected_en=f"at most {MAX_ITEMS} numbers and holders together per call",
        )
    answer = verify_batch(body.numbers, body.holders, body.at)
    answer["receipt"] = issue_batch_receipt(answer) if body.receipt else None
    # Answered as built, without a second validation of up to 1,000 entries; the contract tests
    # check the shape against the published schema.
    return json_response(answer)


class ChangesQuery(Schema):
    after: int = Field(0, ge=0, description="the last sequence number you have seen")
    limit: int = Field(100, ge=1, le=1000)


@changes_router.get(
    "",
    response={200: ChangesOut, ERROR_STATUSES: ErrorBody},
    summary="Change feed 变更订阅",
)
def changes(
    request: HttpRequest, query: Query[ChangesQuery], filters: Query[ChangeFilters]
) -> JsonResponse:
    """The event log in sequence order. Resume with `after=next_after`: the sequence is gapless
    and assigned in commit order, so nothing is missed or repeated."""
    return json_response(read_changes(query.after, query.limit, filters.get_filter_expression()))


def _webhook_out(sub: WebhookSubscription) -> dict:
    return {
        "id": sub.pk,
        "url": sub.url,
        "holders": sub.holders,
        "categories": sub.categories,
        "regions": sub.regions,
        "event_types": sub.event_types,
        "active": sub.active,
        "cursor": sub.cursor,
    }


def _own_webhook(request: HttpRequest, webhook_id: int) -> tuple[Any, WebhookSubscription]:
    """The calling client and its subscription ``webhook_id``: 404 for anyone else's, and for
    one deleted (stopped), whose deliveries and dead letters are no longer the client's to see."""
    client = request.auth  # type: ignore[attr-defined]
    return client, get_object_or_404(WebhookSubscription, pk=webhook_id, client=client, active=True)


@webhooks_router.post(
    "",
    response={201: WebhookCreated, ERROR_STATUSES: ErrorBody},
    summary="Subscribe a webhook 订阅推送",
)
def create_webhook(request: HttpRequest, body: WebhookIn) -> Status:
    client = request.auth  # type: ignore[attr-defined]
    sub, secret = actions.subscribe_webhook(
        client,
        url=body.url,
        holders=body.holders,
        categories=body.categories,
        regions=body.regions,
        event_types=body.event_types,
        from_sequence=body.from_sequence,
    )
    return Status(201, {**_webhook_out(sub), "secret": secret})


@webhooks_router.get(
    "",
    response={200: list[WebhookOut], ERROR_STATUSES: ErrorBody},
    summary="Your webhooks",
)
def list_webhooks(request: HttpRequest) -> list[dict]:
    client = request.auth  # type: ignore[attr-defined]
    return [_webhook_out(s) for s in client.webhooks.filter(active=True)]


@webhooks_router.delete(
    "/{webhook_id}",
    response={204: None, ERROR_STATUSES: ErrorBody},
    summary="Stop a webhook",
)
def delete_webhook(request: HttpRequest, webhook_id: PathRowId) -> Status:
    client, sub = _own_webhook(request, webhook_id)
    actions.stop_webhook(client, sub)
    return Status(204, None)


@webhooks_router.get(
    "/{webhook_id}/dead-letters",
    response={200: list[DeadLetterOut], ERROR_STATUSES: ErrorBody},
    summary="Parked deliveries 死信",
)
def dead_letters(request: HttpRequest, webhook_id: PathRowId) -> list[dict]:
    _client, sub = _own_webhook(request, webhook_id)
    rows = sub.deliveries.filter(state=DeliveryState.DEAD).order_by("event_id")[:1000]
    sequences = dict(
        CertificateEvent.objects.filter(pk__in=[r.event_id for r in rows]).values_list(
            "id", "sequence"
        )
    )
    return [
        {
            "message_id": r.message_id,
            "sequence": sequences[r.event_id],
            "attempts": r.attempts,
            "last_status": r.last_status,
            "last_error": r.last_error,
        }
        for r in rows
    ]


@webhooks_router.post(
    "/{webhook_id}/dead-letters/replay",
    response={200: ReplayOut, ERROR_STATUSES: ErrorBody},
    summary="Replay parked deliveries",
)
def replay(request: HttpRequest, webhook_id: PathRowId) -> dict:
    client, sub = _own_webhook(request, webhook_id)
    return {"replayed": actions.replay_dead_letters(client, sub)}


def _adoption_out(record: AdoptionRecord) -> dict:
    return {
        "certificate": record.certificate.number,
        "kind": record.kind,
        "reference": record.reference,
        "adopted_on": record.adopted_on,
        "amount_band": record.amount_band,
        "event_sequence": record.event_sequence,
    }


@adoptions_router.post(
    "",
    response={201: AdoptionOut, 200: AdoptionOut, ERROR_STATUSES: ErrorBody},
    summary="Record an adoption 记录采信",
)
def create_adoption(request: HttpRequest, body: AdoptionIn) -> Status:
    """Record that a certificate was adopted in a tender, insurance policy or green loan.
    Repeating the same record (same certificate, kind and reference) returns it unchanged."""
    client = request.auth  # type: ignore[attr-defined]
    lookup = find_certificate(body.certificate)
    if lookup.certificate is None:
        several = ", ".join(lookup.candidates) if lookup.verdict == "several" else ""
        raise ValidationFailed(
            field="certificate",
            value=body.certificate,
            expected_zh="本平台登记的证书编号"
            + (f"（该机构证书编号对应多张证书，请用平台证书编号：{several}）" if several else ""),
            expected_en="the number of a certificate in this registry"
            + (
                f" (several bodies use this number; give the registry number: {several})"
                if several
                else ""
            ),
        )
    before = AdoptionRecord.objects.filter(client=client).count()
    record = actions.record_adoption(
        Actor.for_client(client),
        lookup.certificate,
        kind=body.kind,
        reference=body.reference,
        adopted_on=body.adopted_on,
        amount_band=body.amount_band,
    )
    created = AdoptionRecord.objects.filter(client=client).count() > before
    return Status(201 if created else 200, _adoption_out(record))


@adoptions_router.get(
    "",
    response={200: list[AdoptionOut], ERROR_STATUSES: ErrorBody},
    summary="Your adoption records",
)
def list_adoptions(request: HttpRequest) -> list[dict]:
    client = request.auth  # type: ignore[attr-defined]
    return [_adoption_out(r) for r in client.adoptions.select_related("certificate")[:1000]]
