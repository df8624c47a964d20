"""Regulators' orders (责令) to a certification body about one of its certificates.

A regulator of the certificate's region orders the issuing body to suspend (责令暂停), revoke
(责令撤销) or rectify (责令整改) by a deadline, with the facts and a legal basis
(``data/order_bases.yaml``). The regulator never changes the certificate: the body carries the
order out through its own suspension, revocation or note of rectification, which cites the order
(``certification.orders`` is how those actions reach this module). An order still open after its
deadline becomes overdue once, by the daily job, which enters the body's credit record. A
regulator may withdraw an order that has not been carried out.

Every step is an event on the certificate's log in the same transaction, so the history, the
change feed and webhooks carry it: ``ordered``, ``order_withdrawn``, ``order_overdue``, and the
body's ``suspended``, ``revoked`` or ``rectified`` with ``order`` in its payload.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from greencert.certification import lifecycle, notifications
from greencert.certification.actions import record_annotation
from greencert.certification.lifecycle import EventType, Label, Status
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import (
    PermissionRefused,
    TransitionRefused,
    ValidationFailed,
    refuse_future_date,
)
from greencert.core.sequence import next_value
from greencert.parties.models import Role
from greencert.parties.permissions import body_ids_of, roles_of
from greencert.regions.models import Region
from greencert.supervision.codes import labels, spec
from greencert.supervision.models import RegulatoryOrder
from greencert.supervision.permissions import acts_for_region

BASES_FILE = Path(__file__).parent / "data" / "order_bases.yaml"
# Who the daily job acts as; its ``order_overdue`` events carry this label.
OVERDUE_JOB = Actor.for_system("orders")
# States in which the body still owes the order.
PENDING = ("open", "overdue")
# The status a certificate must have for each kind to be ordered.
ORDERABLE_FROM = {
    "suspend": (Status.VALID,),
    "revoke": (Status.VALID, Status.SUSPENDED),
    "rectify": (Status.VALID, Status.SUSPENDED),
}


@dataclass(frozen=True)
class LegalBasis:
    """One citable provision (法律依据) with its article, marked unconfirmed where unchecked."""

    code: str
    law: Label
    article: Label
    gist: Label
    kinds: tuple[str, ...]
    confirmed: bool
    source: str

    def citation(self, language: str = "zh") -> str:
        return f"{self.law.get(language)} {self.article.get(language)}"

    def as_cited(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "law_zh": self.law.zh,
            "law_en": self.law.en,
            "article_zh": self.article.zh,
            "article_en": self.article.en,
            "confirmed": self.confirmed,
        }


@cache
def legal_bases() -> dict[str, LegalBasis]:
    data = yaml.safe_load(BASES_FILE.read_text(encoding="utf-8"))
    kinds = set(labels("order_kinds"))
    result = {}
    for code, item in data.items():
        unknown = set(item["kinds"]) - kinds
        if unknown:
            raise ValueError(f"order_bases.yaml: {code} names unknown kinds {sorted(unknown)}")
        if not isinstance(item.get("confirmed"), bool):
            raise ValueError(f"order_bases.yaml: {code} must say whether it is confirmed")
        result[code] = LegalBasis(
            code=code,
            law=Label(**item["law"]),
            article=Label(**item["article"]),
            gist=Label(**item["gist"]),
            kinds=tuple(item["kinds"]),
            confirmed=item["confirmed"],
            source=item.get("source", ""),
        )
    return result


def kind_event(kind: str) -> str:
    """The event by which the body carries out an order of this kind."""
    return str(spec("order_kinds", kind)["event"])


# ---------------------------------------------------------------- who may


def ordering_region(actor: Actor, certificate: Certificate) -> Region | None:
    """The region the regulator orders for: the widest they hold that covers the certificate's
    site; None if they regulate no region that does."""
    places = {certificate.province_code, certificate.city_code, certificate.site_region_id}
    held = [
        r.region
        for r in roles_of(actor)
        if r.role == Role.REGULATOR and r.region is not None and r.region_id in places
    ]
    return min(held, key=lambda r: (len(r.code.rstrip("0")), r.code)) if held else None


def visible_orders(actor: Actor) -> QuerySet[RegulatoryOrder]:
    """A regulator sees the orders of their regions; body staff the orders addressed to them."""
    qs = RegulatoryOrder.objects.select_related("certificate", "body", "region")
    codes = {r.region_id for r in roles_of(actor) if r.role == Role.REGULATOR and r.region_id}
    scope = Q(body_id__in=body_ids_of(actor))
    if codes:
        scope |= (
            Q(region_id__in=codes)
            | Q(region__city_code__in=codes)
            | Q(region__province_code__in=codes)
        )
    return qs.filter(scope) if actor.user is not None else qs.none()


def _refuse_actor(actor: Actor, doing: tuple[str, str], certificate: Certificate) -> None:
    raise PermissionRefused(
        field="actor",
        value=actor.label,
        expected_zh=f"{doing[0]}须由证书 {certificate.number} 所在地（{certificate.site_region_id}）"
        "的监管人员进行",
        expected_en=f"{doing[1]} must be done by a regulator of the region of certificate "
        f"{certificate.number} ({certificate.site_region_id})",
    )


# ---------------------------------------------------------------- actions


def _text(field: str, value: str, zh: str, en: str) -> str:
    if not value or not value.strip():
        raise ValidationFailed(
            field=field, value=value, expected_zh=f"须填写{zh}", expected_en=f"{en} is required"
        )
    return value.strip()


def _number(region: Region, year: int) -> str:
    """ZL + province + year + a gapless serial per province and year: ZL32202600001."""
    province = region.province_code[:2]
    serial = next_value(f"supervision-order:{province}:{year}")
    return f"ZL{province}{year:04d}{serial:05d}"


def _label(group: str, code: str) -> Label:
    return labels(group)[code]


@transaction.atomic
def issue_order(
    actor: Actor,
    certificate: Certificate,
    *,
    kind: str,
    reason: str,
    basis_code: str,
    deadline: dt.date,
    issued_on: dt.date | None = None,
) -> RegulatoryOrder:
    """责令: a regulator of the certificate's region orders its issuing body to suspend, revoke
    or rectify by ``deadline``; the ``ordered`` event records it and the body's staff are told.
    ``issued_on``: the day a paper order was made, when it is entered after the fact."""
    doing = ("责令认证机构", "ordering a certification body")
    region = ordering_region(actor, certificate)
    if region is None:
        _refuse_actor(actor, doing, certificate)
    assert region is not None
    kinds = labels("order_kinds")
    if kind not in kinds:
        raise ValidationFailed(
            field="kind",
            value=kind,
            expected_zh="可选：" + "、".join(f"{c} {v.zh}" for c, v in kinds.items()),
            expected_en="one of: " + ", ".join(f"{c} ({v.en})" for c, v in kinds.items()),
        )
    bases = {code: b for code, b in legal_bases().items() if kind in b.kinds}
    if basis_code not in bases:
        raise ValidationFailed(
            field="basis_code",
            value=basis_code,
            expected_zh=f"「{kinds[kind].zh}」可援引的法律依据："
            + "、".join(f"{c} {b.citation('zh')}" for c, b in bases.items()),
            expected_en=f"a legal basis for an {kinds[kind].en}: "
            + ", ".join(f"{c} ({b.citation('en')})" for c, b in bases.items()),
        )
    reason = _text("reason", reason, "事实与理由", "the facts and reasons")
    today = timezone.localdate()
    refuse_future_date("issued_on", issued_on)
    issued_on = issued_on or today
    if deadline <= issued_on:
        raise ValidationFailed(
            field="deadline",
            value=deadline.isoformat(),
            expected_zh=f"晚于责令日期（{issued_on.isoformat()}）的执行期限",
            expected_en=f"a deadline after the day of the order ({issued_on.isoformat()})",
        )
    allowed = ORDERABLE_FROM[kind]
    if certificate.status not in allowed:
        current = lifecycle.status_label(certificate.status)
        raise TransitionRefused(
            field="status",
            value=certificate.status,
            expected_zh=f"证书 {certificate.number} 当前为「{current.zh}」，「{kinds[kind].zh}」"
            f"只适用于「{'、'.join(lifecycle.status_label(s).zh for s in allowed)}」的证书",
            expected_en=f"certificate {certificate.number} is {current.en}; an {kinds[kind].en} "
            f"applies only to {' or '.join(lifecycle.status_label(s).en for s in allowed)} "
            "certificates",
        )
    number = _number(region, issued_on.year)
    try:
        with transaction.atomic():
            order = RegulatoryOrder.objects.create(
                number=number,
                kind=kind,
                certificate=certificate,
                body_id=certificate.body_id,
                region=region,
                reason=reason,
                basis_code=basis_code,
                basis=bases[basis_code].as_cited(),
                deadline=deadline,
                state="open",
                issued_by=actor.user,
                issued_by_label=actor.label,
                issued_on=issued_on,
                issued_at=timezone.now(),
                ordered_sequence=0,
            )
    except IntegrityError:
        pending = RegulatoryOrder.objects.filter(
            certificate=certificate, kind=kind, state__in=PENDING
        ).first()
        raise TransitionRefused(
            field="kind",
            value=kind,
            expected_zh=f"该证书尚无待执行的「{kinds[kind].zh}」"
            f"（{pending.number if pending else ''} 尚未执行，可先撤回）",
            expected_en=f"a certificate without a pending {kinds[kind].en} "
            f"({pending.number if pending else ''} is still pending; withdraw it first)",
            code="already_ordered",
        ) from None
    certificate = record_annotation(
        actor,
        certificate,
        EventType.ORDERED,
        reason_code=str(spec("order_kinds", kind)["reason_code"]),
        payload={
            "order": number,
            "kind": kind,
            "deadline": deadline.isoformat(),
            "issued_on": issued_on.isoformat(),
            "basis": basis_code,
            "region": region.code,
        },
    )
    RegulatoryOrder.objects.filter(pk=order.pk).update(
        ordered_sequence=certificate.last_event_sequence
    )
    order.refresh_from_db()
    notifications.certificate_step(
        certificate,
        f"{kinds[kind].zh}（{number}，期限 {deadline.isoformat()}）",
        f"{kinds[kind].en} ({number}, deadline {deadline.isoformat()})",
        actor,
        holder=False,
    )
    return order


def _close(
    order: RegulatoryOrder, to_state: str, updates: dict[str, Any], from_states: tuple[str, ...]
) -> None:
    """Move the order on if it is still in one of ``from_states``, or refuse as it now stands."""
    updated = RegulatoryOrder.objects.filter(pk=order.pk, state__in=from_states).update(
        state=to_state, **updates
    )
    if not updated:
        order.refresh_from_db()
        states = labels("order_states")
        raise TransitionRefused(
            field="order",
            value=order.number,
            expected_zh=f"待执行的责令（{order.number} 当前为「{states[order.state].zh}」）",
            expected_en=f"an order still pending ({order.number} is {states[order.state].en})",
            code="order_closed",
        )
    order.refresh_from_db()


@transaction.atomic
def withdraw_order(actor: Actor, order: RegulatoryOrder, *, reason: str) -> RegulatoryOrder:
    """撤回: the ordering region's regulators withdraw an order the body has not carried out."""
    if not acts_for_region(actor, order.region):
        raise PermissionRefused(
            field="region",
            value=order.region_id,
            expected_zh=f"撤回须由责令地区 {order.region.name_zh} 的监管人员决定",
            expected_en=f"withdrawal is decided by regulators of {order.region.name_en}, "
            "which made the order",
        )
    reason = _text("reason", reason, "撤回理由", "the reason for the withdrawal")
    _close(
        order,
        "withdrawn",
        {
            "withdrawn_at": timezone.now(),
            "withdrawn_by_label": actor.label,
            "withdrawal_reason": reason,
        },
        PENDING,
    )
    certificate = record_annotation(
        actor,
        order.certificate,
        EventType.ORDER_WITHDRAWN,
        reason_code="O11",
        payload={"order": order.number, "kind": order.kind, "reason": reason},
    )
    RegulatoryOrder.objects.filter(pk=order.pk).update(
        withdrawn_sequence=certificate.last_event_sequence
    )
    order.refresh_from_db()
    return order


def mark_overdue_orders(today: dt.date | None = None) -> int:
    """The daily job: every order still open after its deadline becomes overdue, once, with an
    ``order_overdue`` event (which enters the body's credit record). Returns how many."""
    today = today or timezone.localdate()
    count = 0
    due = RegulatoryOrder.objects.filter(state="open", deadline__lt=today).select_related(
        "certificate"
    )
    for order in due.order_by("deadline", "id"):
        try:
            with transaction.atomic():
                _close(order, "overdue", {"overdue_at": timezone.now()}, ("open",))
                certificate = record_annotation(
                    OVERDUE_JOB,
                    order.certificate,
                    EventType.ORDER_OVERDUE,
                    reason_code="O21",
                    payload={
                        "order": order.number,
                        "kind": order.kind,
                        "deadline": order.deadline.isoformat(),
                    },
                )
                RegulatoryOrder.objects.filter(pk=order.pk).update(
                    overdue_sequence=certificate.last_event_sequence
                )
        except TransitionRefused:
            continue  # carried out or withdrawn meanwhile
        count += 1
    return count


# ---------------------------------------------------------------- carried out by the body


def check_cited_order(
    actor: Actor, certificate: Certificate, reference: str, event_type: str
) -> str:
    """What a body's action citing ``reference`` is refused for: an unknown order, one about
    another certificate, one the action does not carry out, or one no longer pending."""
    order = RegulatoryOrder.objects.filter(number=reference).first()
    if order is None or order.certificate_id != certificate.pk:
        raise ValidationFailed(
            field="order",
            value=reference,
            expected_zh=f"针对证书 {certificate.number} 的责令通知编号",
            expected_en=f"the number of an order about certificate {certificate.number}",
            code="unknown_order",
        )
    if kind_event(order.kind) != event_type:
        kind = _label("order_kinds", order.kind)
        needed = lifecycle.event_label(kind_event(order.kind))
        raise ValidationFailed(
            field="order",
            value=reference,
            expected_zh=f"{reference} 是「{kind.zh}」，须以「{needed.zh}」执行",
            expected_en=f"{reference} is an {kind.en}: it is carried out by {needed.en}",
            code="order_kind_mismatch",
        )
    if order.state not in PENDING:
        state = _label("order_states", order.state)
        raise TransitionRefused(
            field="order",
            value=reference,
            expected_zh=f"待执行的责令（{reference} 当前为「{state.zh}」）",
            expected_en=f"an order still pending ({reference} is {state.en})",
            code="order_closed",
        )
    return order.number


def mark_carried_out(number: str, certificate: Certificate, sequence: int) -> None:
    order = RegulatoryOrder.objects.get(number=number, certificate=certificate)
    _close(
        order,
        "carried_out",
        {"carried_out_at": timezone.now(), "carried_out_sequence": sequence},
        PENDING,
    )


def pending_orders_of(certificate: Certificate, event_type: str) -> list[tuple[str, str]]:
    """The orders the body still owes on this certificate that an event of ``event_type``
    carries out, for the office forms' choice."""
    kinds = labels("order_kinds")
    language = get_language() or "zh-hans"
    wanted = [kind for kind in kinds if kind_event(kind) == event_type]
    pending = RegulatoryOrder.objects.filter(
        certificate=certificate, state__in=PENDING, kind__in=wanted
    ).order_by("issued_at")
    return [
        (o.number, f"{o.number} · {kinds[o.kind].get(language)} · {o.deadline:%Y-%m-%d}")
        for o in pending
    ]
