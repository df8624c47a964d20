"""Actions of the exchange: clients and tokens, webhook subscriptions, adoption records."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from greencert.certification import lifecycle
from greencert.certification.actions import record_annotation
from greencert.certification.lifecycle import EventType, Status
from greencert.certification.lifecycle.history import status_on
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, ValidationFailed, refuse_future_date
from greencert.exchange.adoption_data import amount_bands, kinds
from greencert.exchange.models import (
    SCOPES,
    AdoptionRecord,
    ApiClient,
    ApiToken,
    DeliveryState,
    WebhookSubscription,
)
from greencert.exchange.tokens import new_token
from greencert.exchange.webhook_targets import BadTarget, check_subscription_url
from greencert.exchange.webhooks import cancel_stopped
from greencert.parties.models import CertificationBody
from greencert.parties.permissions import is_alliance_admin

ROTATION_GRACE = dt.timedelta(hours=24)


def _require_admin(actor: Actor, field: str, value: Any) -> None:
    if not (actor.is_system or is_alliance_admin(actor)):
        raise PermissionRefused(
            field=field,
            value=value,
            expected_zh="仅联盟秘书处或平台运维可管理接口客户",
            expected_en="only the alliance secretariat or the node operator manages API clients",
        )


def _clean_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValidationFailed(
            field="scopes",
            value=",".join(unknown or scopes),
            expected_zh=f"以下权限范围中的一个或多个：{', '.join(SCOPES)}",
            expected_en=f"one or more of: {', '.join(SCOPES)}",
        )
    return sorted(set(scopes))


@transaction.atomic
def create_client(
    actor: Actor,
    *,
    name: str,
    scopes: list[str],
    display_name: str = "",
    rate_limit_per_minute: int = 600,
    body: CertificationBody | None = None,
) -> tuple[ApiClient, str]:
    """Register a client; returns it with its first token (shown once, stored hashed).

    A client with the ``certify`` scope is a certification body's own system and is bound to
    ``body``; no other client is bound to a body.
    """
    _require_admin(actor, "name", name)
    scopes = _clean_scopes(scopes)
    if ("certify" in scopes) != (body is not None):
        raise ValidationFailed(
            field="body",
            value=body.approval_number if body else "",
            expected_zh="持有 certify 权限范围的客户须绑定一个认证机构（--body CNCA-R-…），其他客户不绑定",
            expected_en="a client with the certify scope is bound to one certification body "
            "(--body CNCA-R-…); other clients are bound to none",
        )
    if body is not None and not body.active:
        raise ValidationFailed(
            field="body",
            value=body.approval_number,
            expected_zh="有效的认证机构",
            expected_en="an active certification body",
        )
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationFailed(
            field="name",
            value=name,
            expected_zh="尚未使用的客户名称",
            expected_en="a client name not already in use",
        )
    if rate_limit_per_minute < 1:
        raise ValidationFailed(
            field="rate_limit_per_minute",
            value=rate_limit_per_minute,
            expected_zh="正整数",
            expected_en="a positive whole number",
        )
    client = ApiClient.objects.create(
        name=name,
        display_name=display_name,
        scopes=scopes,
        rate_limit_per_minute=rate_limit_per_minute,
        body=body,
        created_by=actor.user,
    )
    return client, new_token(client)


@transaction.atomic
def rotate_token(actor: Actor, client: ApiClient, grace: dt.timedelta = ROTATION_GRACE) -> str:
    """A new token; the old ones keep working for ``grace`` so integrators can switch over."""
    _require_admin(actor, "client", client.name)
    ApiToken.objects.filter(client=client, revoked_at__isnull=True, expires_at__isnull=True).update(
        expires_at=timezone.now() + grace
    )
    return new_token(client)


@transaction.atomic
def revoke_tokens(actor: Actor, client: ApiClient) -> int:
    """Revoke every token of ``client`` at once; its webhooks stop with them."""
    _require_admin(actor, "client", client.name)
    revoked = ApiToken.objects.filter(client=client, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    cancel_stopped()
    return revoked


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def check_webhook_url(url: str) -> None:
    """A receiver's URL fit to register: ``ValidationFailed`` on ``url`` otherwise."""
    limit = WebhookSubscription._meta.get_field("url").max_length or 500
    if len(url) > limit:
        raise ValidationFailed(
            field="url",
            value=url[:80] + "…",
            expected_zh=f"不超过 {limit} 个字符的地址（实为 {len(url)} 个）",
            expected_en=f"a URL of at most {limit} characters (this one has {len(url)})",
        )
    try:
        check_subscription_url(url)
    except BadTarget as exc:
        raise ValidationFailed(
            field="url",
            value=url,
            expected_zh=f"可用的 http(s) 地址（{exc.problem_zh}）",
            expected_en=f"a usable http(s) URL ({exc.problem_en})",
        ) from None


def _list_of_strings(field: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed(
            field=field, value=str(value), expected_zh="字符串列表", expected_en="a list of strings"
        )
    return value


@transaction.atomic
def subscribe_webhook(
    client: ApiClient,
    *,
    url: str,
    holders: list[str] | None = None,
    categories: list[str] | None = None,
    regions: list[str] | None = None,
    event_types: list[str] | None = None,
    from_sequence: int | None = None,
) -> tuple[WebhookSubscription, str]:
    """Subscribe ``url``; deliveries start after ``from_sequence`` (default: from now on)."""
    from greencert.certification.lifecycle.log import last_sequence

    if not client.has_scope("webhooks"):
        raise PermissionRefused(
            field="scope",
            value="webhooks",
            expected_zh="客户未获得 webhooks 权限范围",
            expected_en="the webhooks scope",
        )
    check_webhook_url(url)
    unknown = sorted(set(event_types or []) - set(lifecycle.transitions()))
    if unknown:
        raise ValidationFailed(
            field="event_types",
            value=",".join(unknown),
            expected_zh=f"事件类型：{', '.join(sorted(lifecycle.transitions()))}",
            expected_en=f"event types among: {', '.join(sorted(lifecycle.transitions()))}",
        )
    secret = new_webhook_secret()
    subscription = WebhookSubscription.objects.create(
        client=client,
        url=url,
        secret=secret,
        holders=_list_of_strings("holders", holders or []),
        categories=_list_of_strings("categories", categories or []),
        regions=_list_of_strings("regions", regions or []),
        event_types=list(event_types or []),
        cursor=last_sequence() if from_sequence is None else max(0, from_sequence),
    )
    return subscription, secret


def _require_own(client: ApiClient, subscription: WebhookSubscription) -> None:
    if subscription.client_id != client.pk:
        raise PermissionRefused(
            field="subscription",
            value=subscription.pk,
            expected_zh="本客户自己的订阅",
            expected_en="a subscription of this client",
        )


@transaction.atomic
def stop_webhook(client: ApiClient, subscription: WebhookSubscription) -> None:
    """Stop a subscription: it receives nothing more, and what it had pending is cancelled."""
    _require_own(client, subscription)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(active=False)
    subscription.deliveries.filter(state=DeliveryState.PENDING).update(
        state=DeliveryState.CANCELLED, last_error="订阅已停止 / the subscription was stopped"
    )


@transaction.atomic
def replay_dead_letters(client: ApiClient, subscription: WebhookSubscription) -> int:
    """Put every parked delivery of the subscription back in the queue."""
    _require_own(client, subscription)
    if not subscription.active:
        raise ValidationFailed(
            field="subscription",
            value=subscription.pk,
            expected_zh="仍在启用的订阅（已停止的订阅不再接收推送）",
            expected_en="an active subscription (a stopped one receives nothing more)",
        )
    return subscription.deliveries.filter(state=DeliveryState.DEAD).update(
        state=DeliveryState.PENDING,
        attempts=0,
        first_attempt_at=None,
        next_attempt_at=timezone.now(),
        last_error="",
    )


@transaction.atomic
def record_adoption(
    actor: Actor,
    certificate: Certificate,
    *,
    kind: str,
    reference: str,
    adopted_on: dt.date,
    amount_band: str,
) -> AdoptionRecord:
    """采信: the client adopted a certificate that was valid on ``adopted_on`` and is valid now."""
    client = actor.client
    if client is None:
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh="由接口客户记录采信",
            expected_en="an API client recording the adoption",
        )
    known = kinds()
    if kind not in known:
        raise ValidationFailed(
            field="kind",
            value=kind,
            expected_zh=f"以下之一：{', '.join(known)}",
            expected_en=f"one of: {', '.join(known)}",
        )
    if amount_band not in amount_bands():
        raise ValidationFailed(
            field="amount_band",
            value=amount_band,
            expected_zh=f"以下之一：{', '.join(amount_bands())}",
            expected_en=f"one of: {', '.join(amount_bands())}",
        )
    if not reference.strip():
        raise ValidationFailed(
            field="reference",
            value=reference,
            expected_zh="招标、保单或贷款编号",
            expected_en="the tender, policy or loan reference",
        )
    refuse_future_date("adopted_on", adopted_on)
    if status_on(certificate.pk, adopted_on) != Status.VALID:
        raise ValidationFailed(
            field="adopted_on",
            value=adopted_on.isoformat(),
            expected_zh=f"证书 {certificate.number} 在该日期有效的日期",
            expected_en=f"a date on which certificate {certificate.number} was valid",
        )
    existing = AdoptionRecord.objects.filter(
        client=client, certificate=certificate, kind=kind, reference=reference.strip()
    ).first()
    if existing:  # a retried request records nothing twice
        return existing
    certificate = record_annotation(
        actor,
        certificate,
        EventType.ADOPTED,
        reason_code=known[kind]["reason"],
        payload={
            "kind": kind,
            "reference": reference.strip(),
            "adopted_on": adopted_on.isoformat(),
            "amount_band": amount_band,
            "client": client.name,
        },
    )
    return AdoptionRecord.objects.create(
        client=client,
        certificate=certificate,
        kind=kind,
        reference=reference.strip(),
        adopted_on=adopted_on,
        amount_band=amount_band,
        event_sequence=certificate.last_event_sequence,
    )
