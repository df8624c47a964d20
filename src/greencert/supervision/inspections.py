"""双随机一公开: inspection plans, the committed and verifiable draw, results made public.

A plan is drafted with its items and pool filters; ``commit_draw`` freezes both pools, publishes
their fingerprints and the seed's SHA-256; ``perform_draw`` reveals the seed and draws with
``draw.run_draw``, so anyone can re-run it from the published document (``published_draw``)
with ``greencert inspections verify-draw``. Results are recorded per object and shown on the
portal at once; a failed result enters the credit record and may suspend the certificate.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from greencert.certification.lifecycle import Status
from greencert.certification.lifecycle.tree_head import tree_head_at
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import TransitionRefused, ValidationFailed
from greencert.core.workdays import add_working_days, deadline_is_provisional
from greencert.parties.models import CertificationBody, Enterprise
from greencert.regions.models import Region
from greencert.supervision import draw
from greencert.supervision.actions import write_credit_record
from greencert.supervision.codes import (
    draw_class_factors,
    inspection_setting,
    labels,
    ratio_bounds,
    unclassified_class,
)
from greencert.supervision.credit import credit_classes
from greencert.supervision.models import InspectionCheck, InspectionItem, InspectionPlan, Inspector
from greencert.supervision.orders import issue_order
from greencert.supervision.permissions import require_region, require_regulator

FILTERS = {
    "certificate": {"region", "category", "status"},
    "enterprise": {"region", "category"},
    "body": {"region", "category", "alliance_member"},
}
# The legal basis of a suspension ordered with a failed result (data/order_bases.yaml).
SUSPENSION_BASIS = "RCA-2020-SUPERVISION"


def _region_q(prefix: str, code: str) -> Q:
    if code.endswith("0000"):
        return Q(**{f"{prefix}province_code": code})
    return Q(**{f"{prefix}city_code": code}) | Q(**{f"{prefix}code": code})


def _refuse_state(plan: InspectionPlan, expected: str, doing: tuple[str, str]) -> TransitionRefused:
    return TransitionRefused(
        field="state",
        value=plan.state,
        expected_zh=f"计划 {plan.code} 须处于「{InspectionPlan.State(expected).label}」状态方可{doing[0]}",
        expected_en=f"plan {plan.code} must be {expected} to {doing[1]}",
    )


def _validate_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not items:
        raise ValidationFailed(
            field="items", value="", expected_zh="至少一个抽查事项", expected_en="at least one item"
        )
    kinds = labels("inspection_items")
    seen: set[str] = set()
    clean = []
    for item in items:
        code = str(item.get("code", "")).strip()
        if not code or code in seen:
            raise ValidationFailed(
                field="items.code",
                value=code,
                expected_zh="各事项编号非空且不重复",
                expected_en="a unique, non-empty code for each item",
            )
        seen.add(code)
        kind = item.get("kind", "")
        if kind not in kinds:
            raise ValidationFailed(
                field=f"items.{code}.kind",
                value=kind,
                expected_zh="general（一般检查事项）或 key（重点检查事项）",
                expected_en="general or key",
            )
        low, high = ratio_bounds(kind)
        try:
            ratio = Decimal(str(item.get("ratio", "")))
        except InvalidOperation:
            ratio = Decimal("-1")
        if not low <= ratio <= high:
            raise ValidationFailed(
                field=f"items.{code}.ratio",
                value=str(item.get("ratio", "")),
                expected_zh=f"{kinds[kind].zh}的抽查比例在 {low} 至 {high} 之间",
                expected_en=f"a sampling ratio from {low} to {high} for a {kinds[kind].en}",
            )
        name = str(item.get("name", "")).strip() or code
        clean.append({"code": code, "name": name, "kind": kind, "ratio": ratio})
    return clean


def _validate_filters(object_kind: str, object_filters: dict[str, Any] | None) -> dict[str, Any]:
    if object_kind not in FILTERS:
        raise ValidationFailed(
            field="object_kind",
            value=object_kind,
            expected_zh="certificate、enterprise 或 body",
            expected_en="certificate, enterprise or body",
        )
    filters = dict(object_filters or {})
    unknown = sorted(set(filters) - FILTERS[object_kind])
    if unknown:
        raise ValidationFailed(
            field="object_filters",
            value=",".join(unknown),
            expected_zh=f"筛选条件：{'、'.join(sorted(FILTERS[object_kind]))}",
            expected_en=f"filters: {', '.join(sorted(FILTERS[object_kind]))}",
        )
    return filters


@transaction.atomic
def create_plan(
    actor: Actor,
    *,
    code: str,
    title: str,
    region: Region,
    object_kind: str,
    items: list[dict[str, Any]],
    object_filters: dict[str, Any] | None = None,
    inspector_regions: list[str] | None = None,
    inspectors_per_check: int | None = None,
    publish_within_days: int | None = None,
) -> InspectionPlan:
    """抽查计划: drafted by a regulator of ``region``."""
    doing = ("制定抽查计划", "drafting an inspection plan")
    require_regulator(actor, doing)
    require_region(actor, region, doing)
    filters = _validate_filters(object_kind, object_filters)
    minimum = inspection_setting("min_inspectors")
    per_check = inspectors_per_check or minimum
    if per_check < minimum:
        raise ValidationFailed(
            field="inspectors_per_check",
            value=per_check,
            expected_zh=f"每个对象至少 {minimum} 名检查人员",
            expected_en=f"at least {minimum} inspectors per object",
        )
    clean_items = _validate_items(items)
    if InspectionPlan.objects.filter(code=code).exists() or not code.strip():
        raise ValidationFailed(
            field="code",
            value=code,
            expected_zh="未被使用的计划编号",
            expected_en="an unused plan code",
        )
    plan = InspectionPlan.objects.create(
        code=code.strip(),
        title=title.strip() or code,
        region=region,
        object_kind=object_kind,
        object_filters=filters,
        inspector_regions=sorted(inspector_regions or []),
        inspectors_per_check=per_check,
        publish_within_days=publish_within_days or inspection_setting("publish_within_days"),
        created_by_label=actor.label,
        created_at=timezone.now(),
    )
    InspectionItem.objects.bulk_create(InspectionItem(plan=plan, **item) for item in clean_items)
    return plan


# ---------------------------------------------------------------- pools


def _objects(plan: InspectionPlan) -> QuerySet[Any]:
    f = plan.object_filters
    if plan.object_kind == "certificate":
        qs: QuerySet[Any] = Certificate.objects.filter(status=f.get("status", Status.VALID))
        if f.get("region"):
            qs = qs.filter(_region_q("site_region__", f["region"]))
        if f.get("category"):
            qs = qs.filter(category__code=f["category"])
        return qs.select_related("holder", "body")
    if plan.object_kind == "enterprise":
        qs = Enterprise.objects.all()
        if f.get("region"):
            qs = qs.filter(_region_q("region__", f["region"]))
        if f.get("category"):
            qs = qs.filter(
                certificates__category__code=f["category"], certificates__status=Status.VALID
            )
        return qs.distinct()
    qs = CertificationBody.objects.filter(active=True)
    if f.get("region"):
        qs = qs.filter(_region_q("region__", f["region"]))
    if f.get("category"):
        qs = qs.filter(categories__code=f["category"])
    if "alliance_member" in f:
        qs = qs.filter(alliance_member=bool(f["alliance_member"]))
    return qs.distinct()


def _object_entry(plan: InspectionPlan, obj: Any) -> dict[str, Any]:
    if plan.object_kind == "certificate":
        return {
            "id": f"certificate:{obj.number}",
            "parties": sorted([obj.holder.credit_code, obj.body.approval_number]),
            "region": obj.site_region_id,
        }
    if plan.object_kind == "enterprise":
        return {
            "id": f"enterprise:{obj.credit_code}",
            "parties": [obj.credit_code],
            "region": obj.region_id,
        }
    return {
        "id": f"body:{obj.approval_number}",
        "parties": [obj.approval_number],
        "region": obj.region_id,
    }


def _subject_key(plan: InspectionPlan, obj: Any) -> tuple[str, int]:
    if plan.object_kind == "certificate":
        return ("enterprise", obj.holder_id)
    return (plan.object_kind, obj.pk)


def object_pool(plan: InspectionPlan, on: dt.date | None = None) -> list[dict[str, Any]]:
    """The objects the filters select, each with its credit risk class on ``on`` (today)."""
    objects = list(_objects(plan))
    keys = [_subject_key(plan, o) for o in objects]
    classes = credit_classes(
        enterprise_ids={k[1] for k in keys if k[0] == "enterprise"},
        body_ids={k[1] for k in keys if k[0] == "body"},
        on=on or timezone.localdate(),
    )
    fallback = unclassified_class()
    entries = [
        _object_entry(plan, o) | {"credit_class": classes.get(key, fallback)}
        for o, key in zip(objects, keys, strict=True)
    ]
    return sorted(entries, key=lambda e: e["id"])


def inspector_pool(plan: InspectionPlan) -> list[dict[str, Any]]:
    qs = Inspector.objects.filter(active=True)
    if plan.inspector_regions:
        scope = Q()
        for code in plan.inspector_regions:
            scope |= _region_q("region__", code)
        qs = qs.filter(scope)
    return [
        {
            "id": i.code,
            "name": i.name,
            "region": i.region_id,
            "affiliation": i.affiliation,
            "conflicts": sorted(set(i.conflicts)),
        }
        for i in qs.order_by("code")
    ]


def preview_pools(
    *,
    object_kind: str,
    object_filters: dict[str, Any] | None = None,
    inspector_regions: list[str] | None = None,
    inspectors_per_check: int | None = None,
) -> dict[str, Any]:
    """What a draft's pools would hold if its seed were committed now; nothing is saved."""
    draft = InspectionPlan(
        object_kind=object_kind,
        object_filters=_validate_filters(object_kind, object_filters),
        inspector_regions=sorted(inspector_regions or []),
    )
    objects, inspectors = object_pool(draft), inspector_pool(draft)
    per_check = inspectors_per_check or inspection_setting("min_inspectors")
    return {
        "objects": len(objects),
        "inspectors": len(inspectors),
        "short": draw.check_pools(objects, inspectors, per_check),
    }


def item_list(plan: InspectionPlan) -> list[dict[str, Any]]:
    return [
        {"code": i.code, "name": i.name, "kind": i.kind, "ratio": str(i.ratio.normalize())}
        for i in plan.items.order_by("code")
    ]


# ---------------------------------------------------------------- commit, draw, publish


@transaction.atomic
def commit_draw(
    actor: Actor,
    plan: InspectionPlan,
    *,
    seed: str | None = None,
    committed_at: dt.datetime | None = None,
) -> InspectionPlan:
    """Freeze the pools, publish their fingerprints, SHA-256 of a fresh secret seed and the
    time after which the draw may run (``draw_time_after``).

    ``seed`` and ``committed_at`` (a past commitment, so the draw can run at once) are for
    reproducible demo data only; real plans take a fresh random seed, committed now."""
    doing = ("承诺随机种子", "commit the seed")
    require_regulator(actor, doing)
    require_region(actor, plan.region, doing)
    if plan.state != InspectionPlan.State.DRAFT:
        raise _refuse_state(plan, InspectionPlan.State.DRAFT, doing)
    objects, inspectors = object_pool(plan), inspector_pool(plan)
    if not objects:
        raise ValidationFailed(
            field="object_filters",
            value=str(plan.object_filters),
            expected_zh="至少筛选出一个检查对象",
            expected_en="filters that select at least one object",
        )
    short = draw.check_pools(objects, inspectors, plan.inspectors_per_check)
    if short:
        raise ValidationFailed(
            field="inspector_regions",
            value=",".join(plan.inspector_regions),
            expected_zh=f"每个对象至少有 {plan.inspectors_per_check} 名无利益冲突的检查人员"
            f"（不足：{'、'.join(short[:5])}）",
            expected_en=f"at least {plan.inspectors_per_check} inspectors without a conflict for "
            f"every object (short: {', '.join(short[:5])})",
        )
    seed = seed or secrets.token_hex(32)
    now = committed_at or timezone.now()
    updated = InspectionPlan.objects.filter(pk=plan.pk, state=InspectionPlan.State.DRAFT).update(
        state=InspectionPlan.State.COMMITTED,
        algorithm=draw.ALGORITHM,
        object_pool=objects,
        inspector_pool=inspectors,
        fingerprints=draw.fingerprints(item_list(plan), objects, inspectors),
        class_factors={c: str(f.normalize()) for c, f in draw_class_factors().items()},
        seed=seed,
        seed_commitment=draw.commitment(seed),
        committed_at=now,
        draw_not_before=draw_time_after(now),
    )
    if not updated:
        plan.refresh_from_db()
        raise _refuse_state(plan, InspectionPlan.State.DRAFT, doing)
    plan.refresh_from_db()
    return plan


def draw_time_after(committed_at: dt.datetime) -> dt.datetime:
    """T: the first full hour at least ``draw_delay_minutes`` after the commitment. The tree head
    of the log before T cannot be known at commitment, and once T has passed no event recorded
    before it can still be appended (recording times follow the sequence)."""
    earliest = committed_at + dt.timedelta(minutes=inspection_setting("draw_delay_minutes"))
    hour = earliest.replace(minute=0, second=0, microsecond=0)
    return hour if hour == earliest else hour + dt.timedelta(hours=1)


def publication_deadline(drawn_on: dt.date, working_days: int) -> tuple[dt.date, bool]:
    """The last day to publish the results, and whether a year it spans has no known holiday
    arrangement yet (the deadline is then counted Monday–Friday and shown as provisional)."""
    deadline = add_working_days(drawn_on, working_days)
    return deadline, deadline_is_provisional(drawn_on, deadline)


def is_overdue(plan: InspectionPlan, today: dt.date | None = None) -> bool:
    """A drawn plan past its publication deadline with a result still missing."""
    if plan.publish_by is None or plan.state != InspectionPlan.State.DRAWN:
        return False
    if plan.publish_by >= (today or timezone.localdate()):
        return False
    return plan.checks.filter(result="").exists()


def _resolve(object_id: str) -> dict[str, Any]:
    kind, _, key = object_id.partition(":")
    if kind == "certificate":
        certificate = Certificate.objects.get(number=key)
        return {"certificate": certificate, "enterprise": certificate.holder}
    if kind == "enterprise":
        return {"enterprise": Enterprise.objects.get(credit_code=key)}
    return {"body": CertificationBody.objects.get(approval_number=key)}


@transaction.atomic
def perform_draw(actor: Actor, plan: InspectionPlan) -> InspectionPlan:
    """Reveal the seed and draw the objects and their inspectors from the frozen pools."""
    doing = ("抽取", "draw")
    require_regulator(actor, doing)
    require_region(actor, plan.region, doing)
    if plan.state != InspectionPlan.State.COMMITTED:
        raise _refuse_state(plan, InspectionPlan.State.COMMITTED, doing)
    now = timezone.now()
    fields: dict[str, Any] = {}
    if plan.algorithm == draw.ALGORITHM_V1:
        result = draw.run_draw(
            plan.seed,
            item_list(plan),
            plan.object_pool,
            plan.inspector_pool,
            plan.inspectors_per_check,
        )
    else:
        not_before = plan.draw_not_before
        if not_before is None or now < not_before:
            local = timezone.localtime(not_before) if not_before else None
            raise TransitionRefused(
                field="draw_not_before",
                value=f"{local:%Y-%m-%d %H:%M}" if local else "",
                expected_zh=f"计划 {plan.code} 须在承诺时公布的时间 {local:%Y-%m-%d %H:%M} 之后抽取，"
                "届时事件日志的树根方可确定",
                expected_en=f"plan {plan.code} may be drawn only after {local:%Y-%m-%d %H:%M}, the "
                "time stated at commitment, once the event log's tree head is fixed",
                code="draw_too_early",
            )
        head = tree_head_at(not_before)
        randomness = draw.draw_randomness(plan.seed, head.size, head.root_hash)
        result, strata = draw.run_stratified_draw(
            randomness,
            item_list(plan),
            plan.object_pool,
            plan.inspector_pool,
            plan.inspectors_per_check,
            plan.class_factors,
        )
        fields = {
            "log_size": head.size,
            "log_root": head.root_hash,
            "randomness": randomness,
            "strata": strata,
        }
    due, provisional = publication_deadline(timezone.localdate(now), plan.publish_within_days)
    updated = InspectionPlan.objects.filter(
        pk=plan.pk, state=InspectionPlan.State.COMMITTED
    ).update(
        state=InspectionPlan.State.DRAWN,
        result=result,
        drawn_at=now,
        publish_by=due,
        publish_by_provisional=provisional,
        **fields,
    )
    if not updated:
        plan.refresh_from_db()
        raise _refuse_state(plan, InspectionPlan.State.COMMITTED, doing)
    InspectionCheck.objects.bulk_create(
        InspectionCheck(
            plan=plan,
            object_id=check["object"],
            items=check["items"],
            inspectors=check["inspectors"],
            due_on=due,
            **_resolve(check["object"]),
        )
        for check in result
    )
    plan.refresh_from_db()
    return plan


def published_draw(plan: InspectionPlan) -> dict[str, Any]:
    """The document anyone downloads to re-run the draw; the seed appears once drawn."""
    drawn = plan.state == InspectionPlan.State.DRAWN
    document = {
        "algorithm": plan.algorithm,
        "plan": plan.code,
        "title": plan.title,
        "region": plan.region_id,
        "state": plan.state,
        "items": item_list(plan),
        "inspectors_per_check": plan.inspectors_per_check,
        "object_pool": plan.object_pool,
        "inspector_pool": plan.inspector_pool,
        "fingerprints": plan.fingerprints,
        "commitment": plan.seed_commitment,
        "committed_at": plan.committed_at.isoformat() if plan.committed_at else None,
        "seed": plan.seed if drawn else None,
        "drawn_at": plan.drawn_at.isoformat() if plan.drawn_at else None,
        "result": plan.result if drawn else [],
    }
    if plan.algorithm == draw.ALGORITHM_V1:
        return document
    return document | {
        "draw_not_before": plan.draw_not_before.isoformat() if plan.draw_not_before else None,
        "class_factors": plan.class_factors,
        "log_tree_head": ({"size": plan.log_size, "root_hash": plan.log_root} if drawn else None),
        "randomness": plan.randomness if drawn else None,
        "strata": plan.strata if drawn else [],
        "publish_within_working_days": plan.publish_within_days,
        "publish_by": plan.publish_by.isoformat() if plan.publish_by else None,
    }


@transaction.atomic
def record_result(
    actor: Actor,
    check: InspectionCheck,
    *,
    result: str,
    findings: str,
    order_suspension_by: dt.date | None = None,
) -> InspectionCheck:
    """检查结果: recorded by the plan's regulators and published at once. A failure enters the
    credit record; ``order_suspension_by`` orders the issuing body to suspend a drawn
    certificate by that date (责令暂停; the body's suspension cites the order)."""
    plan = check.plan
    doing = ("录入检查结果", "recording a result")
    require_regulator(actor, doing)
    require_region(actor, plan.region, doing)
    results = labels("inspection_results")
    if result not in results:
        raise ValidationFailed(
            field="result",
            value=result,
            expected_zh="可选：" + "、".join(f"{c} {v.zh}" for c, v in results.items()),
            expected_en="one of: " + ", ".join(f"{c} ({v.en})" for c, v in results.items()),
        )
    findings = findings.strip()
    if result != "passed" and not findings:
        raise ValidationFailed(
            field="findings",
            value="",
            expected_zh="未通过时须写明检查情况",
            expected_en="findings are required unless the object passed",
        )
    if order_suspension_by is not None and (result != "failed" or check.certificate is None):
        raise ValidationFailed(
            field="order_suspension_by",
            value=order_suspension_by.isoformat(),
            expected_zh="仅对抽查不合格的证书可同时责令暂停",
            expected_en="a suspension is ordered only for a certificate that failed",
        )
    updated = InspectionCheck.objects.filter(pk=check.pk, result="").update(
        result=result, findings=findings, recorded_by_label=actor.label, published_at=timezone.now()
    )
    if not updated:
        raise TransitionRefused(
            field="result",
            value=check.object_id,
            expected_zh="尚未录入结果的检查对象（结果已公示，不得更改）",
            expected_en="an object without a result (this result is published and final)",
        )
    check.refresh_from_db()
    if result == "failed":
        write_credit_record(
            actor=actor,
            enterprise=check.enterprise,
            body=None if check.enterprise else check.body,
            source="inspection_failed",
            occurred_on=timezone.localdate(),
            region=plan.region,
            basis_code="SAMR-RCI",
            evidence=findings,
            reference=f"{plan.code}/{check.object_id}",
        )
        if order_suspension_by is not None and check.certificate is not None:
            issue_order(
                actor,
                check.certificate,
                kind="suspend",
                reason=f"{plan.code} 双随机抽查不合格 failed a random inspection: {findings}",
                basis_code=SUSPENSION_BASIS,
                deadline=order_suspension_by,
            )
    return check
