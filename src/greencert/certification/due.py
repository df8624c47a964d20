"""Due actions (到期应处置) as the certificate actions see them: which one a body's suspension or
revocation carries out, closing them, and who sees them. Making them due and marking them
overdue is the rules job's (``due_rules``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from greencert.certification import lifecycle
from greencert.certification.lifecycle import EventType, Label
from greencert.certification.models import Certificate, DueAction
from greencert.core.actors import Actor
from greencert.core.errors import TransitionRefused, ValidationFailed
from greencert.parties.permissions import body_ids_of, regulated_region_codes

# States in which the body still owes it.
PENDING = ("open", "overdue")
# The event that carries out each kind, and the kinds an event makes moot.
CARRIED_OUT_BY = {"revoke": EventType.REVOKED, "suspend": EventType.SUSPENDED}
LAPSED_BY = {
    EventType.REVOKED: ("suspend",),
    EventType.CANCELLED: ("revoke", "suspend"),
    EventType.EXPIRED: ("revoke", "suspend"),
}
KIND_LABELS = {"revoke": Label("撤销", "revocation"), "suspend": Label("暂停", "suspension")}
STATE_LABELS = {
    "open": Label("待处置", "open"),
    "overdue": Label("逾期未处置", "overdue"),
    "carried_out": Label("已处置", "carried out"),
    "lapsed": Label("已失效", "lapsed"),
}


def kind_for(event_type: str) -> str | None:
    return next((k for k, e in CARRIED_OUT_BY.items() if e == event_type), None)


def pending_due(certificate: Certificate, event_type: str) -> list[DueAction]:
    """What the body still owes on this certificate that an event of ``event_type`` carries out."""
    kind = kind_for(event_type)
    if kind is None:
        return []
    return list(
        DueAction.objects.filter(certificate=certificate, kind=kind, state__in=PENDING).order_by(
            "deadline", "id"
        )
    )


def due_choices(certificate: Certificate, event_type: str, language: str) -> list[tuple[str, str]]:
    """The pending due actions an office form offers to carry out, as (number, label) pairs."""
    return [
        (
            d.number,
            f"{d.number} · {lifecycle.reason_label(d.reason_code).get(language)}"  # type: ignore[union-attr]
            f" · {d.deadline:%Y-%m-%d}",
        )
        for d in pending_due(certificate, event_type)
    ]


def cite_due(certificate: Certificate, reference: str, event_type: str) -> dict[str, str]:
    """The payload naming the due action this change carries out: the one cited, or the one
    pending of its kind when none is cited. Refuses an unknown one, another certificate's, one
    of another kind, or one no longer pending."""
    reference = reference.strip().upper()
    if not reference:
        pending = pending_due(certificate, event_type)
        return {"due": pending[0].number} if pending else {}
    due = DueAction.objects.filter(number=reference).first()
    if due is None or due.certificate_id != certificate.pk:
        raise ValidationFailed(
            field="due",
            value=reference,
            expected_zh=f"证书 {certificate.number} 的到期应处置事项编号",
            expected_en=f"the number of a due action on certificate {certificate.number}",
            code="unknown_due_action",
        )
    if CARRIED_OUT_BY[due.kind] != event_type:
        needed = lifecycle.event_label(CARRIED_OUT_BY[due.kind])
        raise ValidationFailed(
            field="due",
            value=reference,
            expected_zh=f"{reference} 应以「{needed.zh}」处置",
            expected_en=f"{reference} is carried out by {needed.en}",
            code="due_kind_mismatch",
        )
    if due.state not in PENDING:
        state = STATE_LABELS[due.state]
        raise TransitionRefused(
            field="due",
            value=reference,
            expected_zh=f"尚待处置的事项（{reference} 当前为「{state.zh}」）",
            expected_en=f"a due action still pending ({reference} is {state.en})",
            code="due_action_closed",
        )
    return {"due": due.number}


def settle_due(certificate: Certificate, event_type: str, cited: dict[str, Any]) -> None:
    """After the body's event is on the log: the due action it cites is carried out, and what
    the event makes moot (a suspension due on a revoked certificate; anything due on a
    cancelled or expired one) lapses."""
    sequence = certificate.last_event_sequence
    now = timezone.now()
    if cited.get("due"):
        closed = DueAction.objects.filter(
            number=cited["due"], certificate=certificate, state__in=PENDING
        ).update(state="carried_out", closed_at=now, closed_sequence=sequence)
        if not closed:
            raise TransitionRefused(
                field="due",
                value=cited["due"],
                expected_zh=f"尚待处置的事项（{cited['due']} 已于其间处置或失效）",
                expected_en=f"a due action still pending ({cited['due']} was closed meanwhile)",
                code="due_action_closed",
            )
    lapsing = LAPSED_BY.get(EventType(event_type), ())
    if lapsing:
        DueAction.objects.filter(
            certificate=certificate, kind__in=lapsing, state__in=PENDING
        ).update(state="lapsed", closed_at=now, closed_sequence=sequence)


def visible_due_actions(actor: Actor) -> QuerySet[DueAction]:
    """The body's staff and its own system see what their body owes; regulators what is owed on
    certificates of their regions."""
    qs = DueAction.objects.select_related("certificate", "body")
    bodies = body_ids_of(actor) if actor.user is not None else set()
    client = actor.client
    if client is not None and client.has_scope("certify") and client.body_id:
        bodies = {client.body_id}
    scope = Q(body_id__in=bodies)
    codes = regulated_region_codes(actor) if actor.user is not None else set()
    if codes:
        scope |= (
            Q(certificate__province_code__in=codes)
            | Q(certificate__city_code__in=codes)
            | Q(certificate__site_region_id__in=codes)
        )
    return qs.filter(scope) if bodies or codes else qs.none()
