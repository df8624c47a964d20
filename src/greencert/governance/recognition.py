"""Actions on recognition agreements (互认协议): recognising a certificate under an agreement,
withdrawing one recognition, ending an agreement with all its recognitions.

Each recognition writes a ``recognised`` event (the status is unchanged) and each end a
``recognition_ended`` event; their payloads carry the agreement's code, titles and kind, the
recognising party and the scope, so readers need no governance table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from greencert.certification import lifecycle
from greencert.certification.actions import record_annotation
from greencert.certification.lifecycle import EventType, Status
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import TransitionRefused, ValidationFailed
from greencert.governance.models import AgreementParty, Recognition, RecognitionAgreement
from greencert.governance.permissions import require_agreement_party

RECOGNISING = ("互认证书", "recognising a certificate")
ENDING = ("终止互认", "ending a recognition")
REASONS = {
    RecognitionAgreement.Kind.INTER_PROVINCIAL: "H01",
    RecognitionAgreement.Kind.INTERNATIONAL: "H02",
}
AGREEMENT_ENDED = "H11"
WITHDRAWN = "H12"


def agreement_payload(agreement: RecognitionAgreement, party: AgreementParty) -> dict[str, Any]:
    return {
        "agreement": agreement.code,
        "title_zh": agreement.title_zh,
        "title_en": agreement.title_en,
        "kind": agreement.kind,
        "recognised_by": {"name_zh": party.name_zh, "name_en": party.name_en},
        "scope": sorted(agreement.categories.values_list("code", flat=True)),
    }


def in_force_on(agreement: RecognitionAgreement, day: dt.date) -> bool:
    return (
        agreement.state == RecognitionAgreement.State.IN_FORCE
        and agreement.starts_on <= day
        and (agreement.ends_on is None or day <= agreement.ends_on)
    )


def _require_in_force(agreement: RecognitionAgreement, day: dt.date) -> None:
    if not in_force_on(agreement, day):
        until = agreement.ended_on or agreement.ends_on
        period = f"{agreement.starts_on:%Y-%m-%d} – {until:%Y-%m-%d}" if until else ""
        raise TransitionRefused(
            field="agreement",
            value=agreement.code,
            expected_zh=f"在 {day:%Y-%m-%d} 有效的互认协议（该协议有效期 {period or '未开始'}）",
            expected_en=f"an agreement in force on {day:%Y-%m-%d} (this one: {period or 'not started'})",
        )


def _recognising_party(
    actor: Actor, agreement: RecognitionAgreement, recognised_by: AgreementParty | None
) -> AgreementParty:
    own = require_agreement_party(actor, agreement, RECOGNISING)
    if recognised_by is None:
        return own
    if recognised_by.agreement_id != agreement.pk:
        names = "、".join(p.name_zh for p in agreement.parties.all())
        names_en = ", ".join(p.name_en for p in agreement.parties.all())
        raise ValidationFailed(
            field="recognised_by",
            value=recognised_by.name_zh,
            expected_zh=f"协议 {agreement.code} 的协议方之一：{names}",
            expected_en=f"a party to agreement {agreement.code}: {names_en}",
        )
    return recognised_by


@transaction.atomic
def recognise_certificate(
    actor: Actor,
    agreement: RecognitionAgreement,
    certificate: Certificate,
    *,
    recognised_by: AgreementParty | None = None,
) -> Recognition:
    """互认: a party recognises a valid certificate within the agreement's scope. The recognising
    party defaults to the one the actor acts for; a regulator may record the other scheme's
    recognition under an international agreement (``recognised_by``)."""
    party = _recognising_party(actor, agreement, recognised_by)
    today = timezone.localdate()
    _require_in_force(agreement, today)
    scope = list(agreement.categories.order_by("code"))
    if certificate.category_id not in {c.pk for c in scope}:
        raise ValidationFailed(
            field="category",
            value=certificate.category.code,
            expected_zh=f"协议 {agreement.code} 互认范围内的类别：{'、'.join(c.name_zh for c in scope)}",
            expected_en=(
                f"a category within the scope of agreement {agreement.code}: "
                f"{', '.join(c.name_en for c in scope)}"
            ),
        )
    if certificate.status != Status.VALID:
        label = lifecycle.status_label(certificate.status)
        raise TransitionRefused(
            field="status",
            value=certificate.status,
            expected_zh=f"有效（01）的证书；证书 {certificate.number} 当前为「{label.zh}」",
            expected_en=f"a valid (01) certificate; {certificate.number} is {label.en}",
        )
    if Recognition.objects.filter(
        agreement=agreement, certificate=certificate, ended_on__isnull=True
    ).exists():
        raise TransitionRefused(
            field="certificate",
            value=certificate.number,
            expected_zh=f"尚未在协议 {agreement.code} 下互认的证书",
            expected_en=f"a certificate not yet recognised under agreement {agreement.code}",
        )
    certificate = record_annotation(
        actor,
        certificate,
        EventType.RECOGNISED,
        reason_code=REASONS[RecognitionAgreement.Kind(agreement.kind)],
        payload=agreement_payload(agreement, party) | {"since": today.isoformat()},
        authorised=True,
    )
    return Recognition.objects.create(
        agreement=agreement,
        certificate=certificate,
        recognised_by=party,
        since=today,
        recognised_sequence=certificate.last_event_sequence,
    )


def _end(actor: Actor, recognition: Recognition, reason_code: str, note: str) -> Recognition:
    today = timezone.localdate()
    updated = Recognition.objects.filter(pk=recognition.pk, ended_on__isnull=True).update(
        ended_on=today
    )
    if not updated:
        raise TransitionRefused(
            field="recognition",
            value=recognition.certificate.number,
            expected_zh="仍然有效的互认",
            expected_en="a recognition that has not ended",
        )
    payload = agreement_payload(recognition.agreement, recognition.recognised_by) | {
        "since": recognition.since.isoformat(),
        "ended_on": today.isoformat(),
        "note": note,
    }
    certificate = record_annotation(
        actor,
        recognition.certificate,
        EventType.RECOGNITION_ENDED,
        reason_code=reason_code,
        payload=payload,
        authorised=True,
    )
    Recognition.objects.filter(pk=recognition.pk).update(
        ended_sequence=certificate.last_event_sequence
    )
    recognition.refresh_from_db()
    return recognition


@transaction.atomic
def end_recognition(actor: Actor, recognition: Recognition, *, note: str) -> Recognition:
    """互认撤回: a party withdraws one recognition; the agreement stays in force."""
    require_agreement_party(actor, recognition.agreement, ENDING)
    if not note.strip():
        raise ValidationFailed(
            field="note",
            value=note,
            expected_zh="撤回互认的理由",
            expected_en="the reason the recognition is withdrawn",
        )
    return _end(actor, recognition, WITHDRAWN, note.strip())


@transaction.atomic
def end_agreement(
    actor: Actor, agreement: RecognitionAgreement, *, reason: str
) -> RecognitionAgreement:
    """协议终止: the agreement ends today and every recognition under it ends with an event."""
    require_agreement_party(actor, agreement, ("终止互认协议", "ending a recognition agreement"))
    if not reason.strip():
        raise ValidationFailed(
            field="reason",
            value=reason,
            expected_zh="终止协议的原因",
            expected_en="the reason the agreement ends",
        )
    today = timezone.localdate()
    updated = RecognitionAgreement.objects.filter(
        pk=agreement.pk, state=RecognitionAgreement.State.IN_FORCE
    ).update(state=RecognitionAgreement.State.ENDED, ended_on=today, end_reason=reason.strip())
    if not updated:
        raise TransitionRefused(
            field="agreement",
            value=agreement.code,
            expected_zh="生效中的互认协议",
            expected_en="an agreement in force",
        )
    agreement.refresh_from_db()
    held = agreement.recognitions.filter(ended_on__isnull=True).select_related(
        "certificate", "recognised_by", "agreement"
    )
    for recognition in held.order_by("id"):
        _end(actor, recognition, AGREEMENT_ENDED, reason.strip())
    return agreement
