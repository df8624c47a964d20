"""Published shapes of the supervision endpoints (documented in the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from greencert.core.schemas import path_code, path_text

# 统一社会信用代码 (GB 32100-2015: 18 characters, no I, O, S, V or Z) or a body's CNCA approval
# number (CNCA-R-YYYY-NNN, CNCA-RF-… for foreign-invested bodies), as the credit lookup reads them.
CreditSubjectPath = path_code(
    r"^([0-9A-HJ-NP-RTUW-Y]{18}|CNCA-RF?-(19|20)[0-9]{2}-[0-9]{2,4})$",
    expected_zh="统一社会信用代码（18 位，不含 I、O、S、V、Z）或认证机构批准号（如 CNCA-R-2002-001）",
    expected_en="a unified social credit code (18 characters, no I, O, S, V or Z) "
    "or a CNCA approval number such as CNCA-R-2002-001",
    example="91310000132149237G",
    description="统一社会信用代码 or CNCA approval number (small letters are read as capitals)",
    upper=True,
)
# 查询码: letters and digits, given to the complainant when the report is filed.
TrackingCodePath = path_code(
    r"^[0-9A-Z]{1,20}$",
    expected_zh="举报查询码（至多 20 位字母和数字，如 JB7K2M9QX4TA）",
    expected_en="a complaint's tracking code (up to 20 letters and digits, such as JB7K2M9QX4TA)",
    example="JB7K2M9QX4TA",
    description="the tracking code given when the complaint was filed (case does not matter)",
    upper=True,
)
# 抽查计划编号: chosen by the regulator who drafts the plan.
PlanCodePath = path_text(32, example="SH-2026-01", description="the inspection plan's code")


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
