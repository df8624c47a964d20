"""Actions on recognition agreements (互认协议): concluding one, recognising a certificate under an agreement,
withdrawing one recognition, ending an agreement with all its recognitions.

Each recognition writes a ``recognised`` event (the status is unchanged) and each end a
``recognition_ended`` event; their payloads carry the agreement's code, titles and kind, the
recognising party and the scope, so readers need no governance table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import transaction
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification import lifecycle
from greencert.certification.actions import record_annotation
from greencert.certification.lifecycle import EventType, Status
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import TransitionRefused, ValidationFailed
from greencert.governance import roster
from greencert.governance.models import (
    AgreementDocument,
    AgreementParty,
    Recognition,
    RecognitionAgreement,
)
from greencert.governance.permissions import require_agreement_party, require_own_province_among
from greencert.regions.models import Region, RegionLevel

CREATING = ("订立互认协议", "concluding a recognition agreement")
RECOGNISING = ("互认证书", "recognising a certificate")
ENDING = ("终止互认", "ending a recognition")
REASONS = {
    RecognitionAgreement.Kind.INTER_PROVINCIAL: "H01",
    RecognitionAgreement.Kind.INTERNATIONAL: "H02",
}
AGREEMENT_ENDED = "H11"
WITHDRAWN = "H12"


def _required_text(field: str, value: str, expected_zh: str, expected_en: str) -> str:
    if not value.strip():
        raise ValidationFailed(
            field=field, value=value, expected_zh=expected_zh, expected_en=expected_en
        )
    return value.strip()


def _regulator_names(province: Region) -> tuple[str, str]:
    member = roster.member(province.code)
    if member is not None:
        return member.regulator_zh, member.regulator_en
    return (
        f"{province.name_zh}市场监督管理局",
        f"{province.name_en} Administration for Market Regulation",
    )


def _check_provinces(kind: str, provinces: Sequence[Region]) -> list[Region]:
    for province in provinces:
        if province.level != RegionLevel.PROVINCE:
            raise ValidationFailed(
                field="provinces",
                value=province.name_zh,
                expected_zh="省级地区（协议方为一市三省的市场监管部门）",
                expected_en="a province (the parties are the provinces' market regulators)",
            )
    distinct = sorted({p.code: p for p in provinces}.values(), key=lambda p: p.code)
    least = 2 if kind == RecognitionAgreement.Kind.INTER_PROVINCIAL else 1
    if len(distinct) < least:
        raise ValidationFailed(
            field="provinces",
            value=len(distinct),
            expected_zh=(
                "至少两个省（市）的市场监管部门作为协议方（结果互认）"
                if least == 2
                else "至少一个省（市）的市场监管部门作为协议方"
            ),
            expected_en=(
                "at least two provinces' market regulators as parties (mutual recognition)"
                if least == 2
                else "at least one province's market regulator as a party"
            ),
        )
    return distinct


def _check_documents(documents: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    checked = []
    check_url = URLValidator(schemes=["http", "https"])
    for title, url in documents:
        title = _required_text(
            "documents", title, "每份协议文件的标题", "a title for each document"
        )
        try:
            check_url(url.strip())
        except ValidationError:
            raise ValidationFailed(
                field="documents",
                value=url,
                expected_zh=f"文件「{title}」的网址（http:// 或 https://）",
                expected_en=f"the address (http:// or https://) of the document “{title}”",
            ) from None
        checked.append((title, url.strip()))
    return checked


@transaction.atomic
def create_agreement(
    actor: Actor,
    *,
    code: str,
    title_zh: str,
    title_en: str,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
    categories: Sequence[Category],
    provinces: Sequence[Region],
    scheme: str = "",
    documents: Sequence[tuple[str, str]] = (),
) -> RecognitionAgreement:
    """订立互认协议: a provincial regulator records an agreement its province is a party to.
    Inter-provincial agreements need two provinces at least; an international one names the other
    scheme, which becomes a party beside the provinces."""
    require_own_province_among(actor, list(provinces), CREATING)
    code = code.strip()
    try:
        validate_slug(code)
    except ValidationError:
        raise ValidationFailed(
            field="code",
            value=code,
            expected_zh="由字母、数字、连字符组成的协议编号，如 YRD-HR-2026-01",
            expected_en="a code of letters, digits and hyphens, such as YRD-HR-2026-01",
        ) from None
    if RecognitionAgreement.objects.filter(code__iexact=code).exists():
        raise ValidationFailed(
            field="code",
            value=code,
            expected_zh="尚未使用的协议编号",
            expected_en="an agreement code not yet used",
        )
    title_zh = _required_text(
        "title_zh", title_zh, "协议的中文名称", "the agreement's title in Chinese"
    )
    title_en = _required_text(
        "title_en", title_en, "协议的英文名称", "the agreement's title in English"
    )
    if kind not in RecognitionAgreement.Kind.values:
        raise ValidationFailed(
            field="kind",
            value=kind,
            expected_zh="结果互认（一市三省之间）或国际互认",
            expected_en="mutual recognition among the provinces, or international recognition",
        )
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed(
            field="ends_on",
            value=ends_on.isoformat(),
            expected_zh=f"不早于生效日期 {starts_on:%Y-%m-%d} 的届满日期",
            expected_en=f"an end date not before the start, {starts_on:%Y-%m-%d}",
        )
    scope = sorted({c.pk: c for c in categories}.values(), key=lambda c: c.code)
    if not scope:
        raise ValidationFailed(
            field="categories",
            value="",
            expected_zh="至少一个互认的认证类别",
            expected_en="at least one certification category in scope",
        )
    parties = _check_provinces(kind, provinces)
    scheme = scheme.strip()
    if kind == RecognitionAgreement.Kind.INTERNATIONAL and not scheme:
        raise ValidationFailed(
            field="scheme",
            value=scheme,
            expected_zh="国际互认的另一方认证制度名称",
            expected_en="the name of the other scheme of an international recognition",
        )
    if kind == RecognitionAgreement.Kind.INTER_PROVINCIAL and scheme:
        raise ValidationFailed(
            field="scheme",
            value=scheme,
            expected_zh="留空（结果互认的协议方仅为各省市场监管部门）",
            expected_en="nothing (the parties to mutual recognition are the provinces' regulators)",
        )
    files = _check_documents(documents)
    agreement = RecognitionAgreement.objects.create(
        code=code,
        title_zh=title_zh,
        title_en=title_en,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    agreement.categories.set(scope)
    for province in parties:
        name_zh, name_en = _regulator_names(province)
        AgreementParty.objects.create(
            agreement=agreement, name_zh=name_zh, name_en=name_en, region=province
        )
    if scheme:
        AgreementParty.objects.create(
            agreement=agreement, name_zh=scheme, name_en=scheme, scheme=scheme
        )
    AgreementDocument.objects.bulk_create(
        AgreementDocument(agreement=agreement, title=title, url=url) for title, url in files
    )
    return agreement


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
