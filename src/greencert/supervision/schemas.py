"""Published shapes of the supervision endpoints (documented in the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class EarlyRemovalApplicationOut(Schema):
    id: int
    state: str = Field(description="submitted, approved or refused")
    state_label: str
    submitted_on: dt.date
    decided_on: dt.date | None
    decision_reason: str


class BlacklistEntryOut(Schema):
    id: int
    subject_kind: str = Field(examples=["enterprise"], description="enterprise or body")
    subject_id: str = Field(description="统一社会信用代码 or CNCA approval number")
    subject_name: str
    basis_code: str
    basis_zh: str
    basis_en: str
    facts: str
    categories: list[str] = Field(description="category codes covered; empty: all")
    starts_on: dt.date
    ends_on: dt.date
    region: str = Field(description="GB/T 2260 code of the listing region")
    in_force: bool
    removed_on: dt.date | None
    removal_kind: str = Field(description="period_end, decision, or empty")
    removal_reason: str
    removed_early: bool = Field(
        description="removed by the listing regulator's decision before the period ended"
    )
    early_removal_from: dt.date = Field(
        description="the first day the listed party may apply for early removal (SAMR Order 44)"
    )
    applications: list[EarlyRemovalApplicationOut]


class CreditRecordOut(Schema):
    id: int
    source: str = Field(examples=["inspection_failed"])
    source_zh: str
    source_en: str
    occurred_on: dt.date
    region: str
    basis_code: str
    reference: str
    points: int = Field(description="points this record adds under the rule version")
    counted: bool
    not_counted_because: str = Field(description="repaired, outside_window, or empty")
    repaired_at: dt.datetime | None
    repair_reason: str


class CreditGradeOut(Schema):
    subject_kind: str
    subject_id: str
    subject_name: str
    on: dt.date
    rule_version: str = Field(examples=["2026.1"])
    start_score: int
    window_months: int
    score: int
    grade: str = Field(examples=["A"])
    grade_zh: str
    grade_en: str
    blacklisted: bool
    records: list[CreditRecordOut]


class InspectionPlanOut(Schema):
    code: str
    title: str
    region: str
    object_kind: str
    state: str = Field(description="draft, committed or drawn")
    commitment: str = Field(description="SHA-256 of the seed, published before the draw")
    committed_at: dt.datetime | None
    drawn_at: dt.datetime | None
    draw_url: str


class TreeHeadOut(Schema):
    size: int = Field(description="events recorded before draw_not_before")
    root_hash: str = Field(description="RFC 6962 root over their change-feed canonical JSON")


class StratumOut(Schema):
    item: str
    credit_class: str = Field(examples=["A"], description="企业信用风险分类 A–D")
    ratio: str = Field(examples=["0.05"])
    population: int
    drawn: int


class PublishedDrawOut(Schema):
    algorithm: str = Field(examples=["greencert-draw-v2"])
    plan: str
    title: str
    region: str
    state: str
    items: list[dict[str, Any]]
    inspectors_per_check: int
    object_pool: list[dict[str, Any]]
    inspector_pool: list[dict[str, Any]] = Field(
        description="the inspector directory of the draw: code, name, region and employer; "
        "declared conflicts of interest are kept to the plan's regulators"
    )
    inspector_conflicts: str | None = Field(
        None,
        description="'withheld' in the public record: the inspector assignment is checked "
        "against the directory, and re-run in full by the plan's regulators",
    )
    fingerprints: dict[str, str]
    commitment: str
    committed_at: str | None
    seed: str | None = Field(description="revealed after the draw; null before")
    drawn_at: str | None
    result: list[dict[str, Any]]
    checks: list[dict[str, Any]] = Field(description="published results per drawn object")
    draw_not_before: str | None = Field(
        None, description="v2: the time stated at commitment; the draw runs only after it"
    )
    class_factors: dict[str, str] | None = Field(
        None, description="v2: sampling factor of each credit risk class"
    )
    log_tree_head: TreeHeadOut | None = Field(
        None, description="v2: the event log's tree head at draw_not_before"
    )
    randomness: str | None = Field(
        None, description="v2: SHA-256(seed || size as 8 bytes || root), the draw's key"
    )
    strata: list[StratumOut] = Field(
        default_factory=list, description="v2: per item and class, ratio, population and drawn"
    )
    publish_within_working_days: int | None = None
    publish_by: str | None = Field(None, description="results are published by this date")


class ComplaintForwardedOut(Schema):
    """Where a complaint about another province's certificate was forwarded (转交)."""

    province_zh: str
    province_en: str
    node_zh: str
    node_en: str
    delivered: bool


class ComplaintStatusOut(Schema):
    tracking_code: str
    state: str
    state_zh: str
    state_en: str
    certificate: str
    received_at: dt.datetime
    outcome: str
    outcome_zh: str
    outcome_en: str
    outcome_note: str
    closed_at: dt.datetime | None
    forwarded_to: ComplaintForwardedOut | None = None
