"""Every change in joint supervision (Zulip's ``do_*`` pattern): credit records and repair,
blacklist listing and removal. Random inspections are in ``inspections``, complaints in
``complaints``.

Each action runs in one transaction, checks who is acting, changes rows with conditional
updates, and reaches certificates only through ``certification.actions``, so every flag is a
FLAGGED or UNFLAGGED event on the log that the change feed and webhooks carry to clients.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification.actions import record_annotation
from greencert.certification.lifecycle import IN_FORCE, EventType
from greencert.certification.models import Certificate
from greencert.certification.public_document import refresh_documents
from greencert.core.actors import Actor
from greencert.core.errors import (
    PermissionRefused,
    TransitionRefused,
    ValidationFailed,
    refuse_future_date,
)
from greencert.parties.models import CertificationBody, Enterprise, Role
from greencert.parties.permissions import roles_of
from greencert.regions.models import Region
from greencert.supervision.codes import blacklist_rules, labels, spec
from greencert.supervision.credit import repairable_from
from greencert.supervision.models import (
    BlacklistEntry,
    BlacklistFlag,
    CreditRecord,
    EarlyRemovalApplication,
)
from greencert.supervision.permissions import (
    acts_for_region,
    home_region,
    require_region,
    require_regulator,
)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def listing_last_day(starts_on: dt.date) -> dt.date:
    """The last day of a listing begun on ``starts_on``: it lasts ``listing_years`` (Order 44)."""
    return add_years(starts_on, blacklist_rules().listing_years) - dt.timedelta(days=1)


def early_removal_opens(entry: BlacklistEntry) -> dt.date:
    """The first day the listed party may apply for early removal."""
    return add_years(entry.starts_on, blacklist_rules().early_removal_after_years)


def _one_of(field: str, value: str, group: str) -> str:
    known = labels(group)
    if value not in known:
        raise ValidationFailed(
            field=field,
            value=value,
            expected_zh="可选：" + "、".join(f"{c} {v.zh}" for c, v in known.items()),
            expected_en="one of: " + ", ".join(f"{c} ({v.en})" for c, v in known.items()),
        )
    return value


def _text(field: str, value: str, zh: str, en: str) -> str:
    if not value or not value.strip():
        raise ValidationFailed(
            field=field, value=value, expected_zh=f"须填写{zh}", expected_en=f"{en} is required"
        )
    return value.strip()


def _subject(enterprise: Enterprise | None, body: CertificationBody | None) -> dict[str, Any]:
    if (enterprise is None) == (body is None):
        raise ValidationFailed(
            field="subject",
            value="",
            expected_zh="须且只能指定一个企业或一个认证机构",
            expected_en="exactly one enterprise or one certification body",
        )
    return {"enterprise": enterprise, "body": body}


# ---------------------------------------------------------------- credit records


def write_credit_record(
    *,
    actor: Actor,
    enterprise: Enterprise | None = None,
    body: CertificationBody | None = None,
    source: str,
    occurred_on: dt.date,
    region: Region,
    basis_code: str,
    evidence: str,
    reference: str = "",
) -> CreditRecord:
    """Write a record another action has decided on (inspection result, upheld complaint)."""
    return CreditRecord.objects.create(
        **_subject(enterprise, body),
        source=source,
        occurred_on=occurred_on,
        region=region,
        basis_code=basis_code,
        evidence=evidence,
        reference=reference,
        recorded_by=actor.user,
        recorded_by_label=actor.label,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def record_credit(
    actor: Actor,
    *,
    enterprise: Enterprise | None = None,
    body: CertificationBody | None = None,
    source: str,
    occurred_on: dt.date,
    region: Region,
    basis_code: str,
    evidence: str,
    reference: str = "",
) -> CreditRecord:
    """信用记录: a regulator of ``region`` enters a fact (a court or administrative penalty etc.)."""
    doing = ("录入信用记录", "entering a credit record")
    require_regulator(actor, doing)
    require_region(actor, region, doing)
    _subject(enterprise, body)
    _one_of("source", source, "credit_sources")
    _one_of("basis_code", basis_code, "bases")
    evidence = _text("evidence", evidence, "证据", "the evidence")
    refuse_future_date("occurred_on", occurred_on)
    return write_credit_record(
        actor=actor,
        enterprise=enterprise,
        body=body,
        source=source,
        occurred_on=occurred_on,
        region=region,
        basis_code=basis_code,
        evidence=evidence,
        reference=reference.strip(),
    )


@transaction.atomic
def repair_credit(actor: Actor, record: CreditRecord, *, reason: str) -> CreditRecord:
    """信用修复: after its period a record stops counting; the record and the reason stay."""
    doing = ("信用修复", "credit repair")
    require_regulator(actor, doing)
    require_region(actor, record.region, doing)
    reason = _text("reason", reason, "修复理由", "the reason for the repair")
    opens = repairable_from(record)
    today = timezone.localdate()
    if opens is None or opens > today:
        raise ValidationFailed(
            field="record",
            value=record.pk,
            expected_zh=(
                "该类记录不适用信用修复"
                if opens is None
                else f"修复期未满：该记录自 {opens} 起方可修复"
            ),
            expected_en=(
                "a record of a kind that can be repaired"
                if opens is None
                else f"a record past its period: this one may be repaired from {opens}"
            ),
        )
    updated = CreditRecord.objects.filter(pk=record.pk, repaired_at__isnull=True).update(
        repaired_at=timezone.now(), repaired_by_label=actor.label, repair_reason=reason
    )
    if not updated:
        raise TransitionRefused(
            field="record",
            value=record.pk,
            expected_zh="尚未修复的记录（该记录已修复）",
            expected_en="a record not yet repaired (this one already is)",
        )
    record.refresh_from_db()
    return record


# ---------------------------------------------------------------- blacklist


def _certificates_of(entry: BlacklistEntry) -> list[Certificate]:
    scope = Q(holder_id=entry.enterprise_id) if entry.enterprise_id else Q(body_id=entry.body_id)
    qs = Certificate.objects.filter(scope, status__in=IN_FORCE).select_related("category")
    if entry.categories:
        qs = qs.filter(category__code__in=entry.categories)
    return list(qs.order_by("id"))


def _listing_payload(entry: BlacklistEntry) -> dict[str, Any]:
    return {
        "blacklist_entry": entry.pk,
        "subject": "enterprise" if entry.enterprise_id else "body",
        "subject_id": entry.subject_code,
        "basis_code": entry.basis_code,
        "starts_on": entry.starts_on.isoformat(),
        "ends_on": entry.ends_on.isoformat(),
        "categories": entry.categories,
        "region": entry.region_id,
    }


@transaction.atomic
def list_on_blacklist(
    actor: Actor,
    *,
    enterprise: Enterprise | None = None,
    body: CertificationBody | None = None,
    basis_code: str,
    facts: str,
    ends_on: dt.date | None = None,
    categories: list[str] | None = None,
    region: Region | None = None,
) -> BlacklistEntry:
    """列入黑名单: from today until ``ends_on`` (by default the full period of Order 44), in every
    province; flags the party's certificates."""
    doing = ("列入黑名单", "listing on the blacklist")
    require_regulator(actor, doing)
    _subject(enterprise, body)
    _one_of("basis_code", basis_code, "bases")
    facts = _text("facts", facts, "事实与理由", "the facts and reasons")
    region = region or home_region(actor)
    if region is None:
        raise ValidationFailed(
            field="region",
            value="",
            expected_zh="须指定列入地区",
            expected_en="a region is required",
        )
    require_region(actor, region, doing)
    today = timezone.localdate()
    latest = listing_last_day(today)
    ends_on = ends_on or latest
    if not today <= ends_on <= latest:
        rules = blacklist_rules()
        raise ValidationFailed(
            field="ends_on",
            value=ends_on.isoformat(),
            expected_zh=f"今天至 {latest} 之间的截止日期（{rules.order.zh}：列入期限为 "
            f"{rules.listing_years} 年）",
            expected_en=f"an end date from today to {latest} (a listing lasts "
            f"{rules.listing_years} years under {rules.order.en})",
        )
    categories = sorted(set(categories or []))
    known = set(Category.objects.filter(code__in=categories).values_list("code", flat=True))
    unknown = [c for c in categories if c not in known]
    if unknown:
        raise ValidationFailed(
            field="categories",
            value=",".join(unknown),
            expected_zh="统一目录中的认证类别代码（留空表示全部类别）",
            expected_en="category codes of the unified catalog (empty for all categories)",
        )
    try:
        with transaction.atomic():
            entry = BlacklistEntry.objects.create(
                enterprise=enterprise,
                body=body,
                basis_code=basis_code,
                basis_text=facts,
                categories=categories,
                starts_on=today,
                ends_on=ends_on,
                region=region,
                listed_by_label=actor.label,
                listed_at=timezone.now(),
            )
    except IntegrityError:
        party = enterprise or body
        raise TransitionRefused(
            field="enterprise" if enterprise else "body",
            value=getattr(party, "credit_code", "") or getattr(party, "approval_number", ""),
            expected_zh=f"尚未列入黑名单的主体（{party} 已在名单中，须先移出）",
            expected_en=f"a party not already listed ({party} is listed; remove it first)",
            code="already_listed",
        ) from None
    _flag_certificates(actor, entry)
    return entry


def _flag_certificates(actor: Actor, entry: BlacklistEntry) -> None:
    """A FLAGGED event on each certificate in force of the listed party held on this node."""
    payload = _listing_payload(entry)
    reason = "B01" if entry.enterprise_id else "B02"
    for certificate in _certificates_of(entry):
        flagged = record_annotation(
            actor, certificate, EventType.FLAGGED, reason_code=reason, payload=payload
        )
        BlacklistFlag.objects.create(
            entry=entry, certificate=certificate, flagged_sequence=flagged.last_event_sequence
        )
        # The flag row follows its event: the public document shows it from now on.
        refresh_documents([certificate.pk])


def _refuse_foreign(entry: BlacklistEntry, doing: tuple[str, str]) -> None:
    if entry.origin_node:
        raise PermissionRefused(
            field="entry",
            value=entry.pk,
            expected_zh=f"{doing[0]}须在列入地区 {entry.region.name_zh} 的节点办理，本节点只执行该列入",
            expected_en=f"{doing[1]} is decided at the node of {entry.region.name_en}, which "
            "listed it; this node only applies the listing",
        )


def _end_listing(
    actor: Actor, entry: BlacklistEntry, *, kind: str, reason: str, removed_on: dt.date
) -> BlacklistEntry:
    updated = BlacklistEntry.objects.filter(pk=entry.pk, removed_at__isnull=True).update(
        removed_at=timezone.now(),
        removed_on=removed_on,
        removal_kind=kind,
        removal_reason=reason,
        removed_by_label=actor.label,
    )
    if not updated:
        raise TransitionRefused(
            field="entry",
            value=entry.pk,
            expected_zh="仍在名单中的记录（该记录已移出）",
            expected_en="a listing still in force (this one has been removed)",
        )
    entry.refresh_from_db()
    payload = _listing_payload(entry) | {"removal": kind}
    reason_code = spec("blacklist_removals", kind)["reason_code"]
    flags = entry.flags.filter(unflagged_sequence__isnull=True).select_related("certificate")
    for flag in flags.order_by("id"):
        certificate = record_annotation(
            actor, flag.certificate, EventType.UNFLAGGED, reason_code=reason_code, payload=payload
        )
        BlacklistFlag.objects.filter(pk=flag.pk, unflagged_sequence__isnull=True).update(
            unflagged_sequence=certificate.last_event_sequence
        )
        refresh_documents([certificate.pk])
    return entry


@transaction.atomic
def remove_from_blacklist(actor: Actor, entry: BlacklistEntry, *, reason: str) -> BlacklistEntry:
    """移出黑名单 by decision of the listing region's regulators; the history stays."""
    doing = ("移出黑名单", "removal from the blacklist")
    require_regulator(actor, doing)
    _refuse_foreign(entry, doing)
    if not acts_for_region(actor, entry.region):
        raise PermissionRefused(
            field="region",
            value=entry.region_id,
            expected_zh=f"移出须由列入地区 {entry.region.name_zh} 的监管人员决定",
            expected_en=f"removal is decided by regulators of {entry.region.name_en}, which listed it",
        )
    reason = _text("reason", reason, "移出理由", "the reason for removal")
    return _end_listing(
        actor, entry, kind="decision", reason=reason, removed_on=timezone.localdate()
    )


# ---------------------------------------------------------------- early removal (信用修复)


def may_apply_for(actor: Actor, entry: BlacklistEntry) -> bool:
    """Whether ``actor`` speaks for the listed party: an enterprise user of the listed enterprise
    or a staff member of the listed body."""
    if entry.enterprise_id:
        return any(
            r.role == Role.ENTERPRISE and r.enterprise_id == entry.enterprise_id
            for r in roles_of(actor)
        )
    return any(r.role == Role.BODY_STAFF and r.body_id == entry.body_id for r in roles_of(actor))


@transaction.atomic
def apply_for_early_removal(
    actor: Actor, entry: BlacklistEntry, *, statement: str, evidence: str
) -> EarlyRemovalApplication:
    """提前移出申请: the listed party, once the waiting period has passed, states how it meets the
    conditions and what proves it; the listing region's regulators decide."""
    if not may_apply_for(actor, entry):
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh=f"提前移出须由被列入主体 {entry.subject} 的用户申请",
            expected_en=f"early removal is applied for by a user of the listed party {entry.subject}",
        )
    _refuse_foreign(entry, ("提前移出申请", "early removal"))
    statement = _text("statement", statement, "申请说明", "a statement")
    evidence = _text("evidence", evidence, "证明材料", "the evidence")
    today = timezone.localdate()
    if entry.removed_at is not None or entry.ends_on < today:
        raise TransitionRefused(
            field="entry",
            value=entry.pk,
            expected_zh="仍在名单中的记录（该记录已移出）",
            expected_en="a listing still in force (this one has ended)",
        )
    opens = early_removal_opens(entry)
    if today < opens:
        years = blacklist_rules().early_removal_after_years
        raise ValidationFailed(
            field="applied_on",
            value=today.isoformat(),
            expected_zh=f"列入满 {years} 年后方可申请提前移出：自 {opens} 起可申请",
            expected_en=f"early removal may be applied for {years} year(s) after listing: "
            f"from {opens}",
            code="too_early",
        )
    try:
        with transaction.atomic():
            return EarlyRemovalApplication.objects.create(
                entry=entry,
                applicant=actor.user,
                applicant_label=actor.label,
                statement=statement,
                evidence=evidence,
                submitted_at=timezone.now(),
            )
    except IntegrityError:
        raise TransitionRefused(
            field="entry",
            value=entry.pk,
            expected_zh="没有待决定申请的记录（已有一份申请等待决定）",
            expected_en="a listing without an application awaiting decision (one is pending)",
            code="application_pending",
        ) from None


@transaction.atomic
def decide_early_removal(
    actor: Actor, application: EarlyRemovalApplication, *, approve: bool, reason: str
) -> EarlyRemovalApplication:
    """The listing region's regulators decide: approval removes the listing by decision (U02,
    every flag lifted); a refusal states its reasons. Both stay on record."""
    entry = application.entry
    doing = ("决定提前移出", "deciding on early removal")
    require_regulator(actor, doing)
    if not acts_for_region(actor, entry.region):
        raise PermissionRefused(
            field="region",
            value=entry.region_id,
            expected_zh=f"提前移出由列入地区 {entry.region.name_zh} 的监管人员决定",
            expected_en=f"early removal is decided by regulators of {entry.region.name_en}, "
            "which listed it",
        )
    reason = _text("reason", reason, "决定理由", "the reasons for the decision")
    state = EarlyRemovalApplication.State
    updated = EarlyRemovalApplication.objects.filter(
        pk=application.pk, state=state.SUBMITTED
    ).update(
        state=state.APPROVED if approve else state.REFUSED,
        decided_by_label=actor.label,
        decided_at=timezone.now(),
        decision_reason=reason,
    )
    if not updated:
        raise TransitionRefused(
            field="application",
            value=application.pk,
            expected_zh="等待决定的申请（该申请已决定）",
            expected_en="an application awaiting decision (this one has been decided)",
        )
    if approve:
        _end_listing(
            actor,
            entry,
            kind="decision",
            reason=f"准予提前移出 early removal approved: {reason}",
            removed_on=timezone.localdate(),
        )
    application.refresh_from_db()
    return application


def end_expired_listings(today: dt.date | None = None) -> int:
    """The daily job: listings whose period has ended are removed and their flags lifted."""
    today = today or timezone.localdate()
    actor = Actor.for_system("blacklist")
    count = 0
    for entry in BlacklistEntry.objects.filter(removed_at__isnull=True, ends_on__lt=today):
        try:
            with transaction.atomic():
                _end_listing(
                    actor,
                    entry,
                    kind="period_end",
                    reason="期满 period ended",
                    removed_on=entry.ends_on + dt.timedelta(days=1),
                )
        except TransitionRefused:
            continue  # removed by a decision meanwhile
        count += 1
    return count
