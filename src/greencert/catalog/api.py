"""Evaluation schemes and evaluations (统一评价) in /api/v1."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from greencert.catalog.editions import citable_until, edition_on, in_force_on
from greencert.catalog.models import Category, EvaluationScheme, MarkActivity, Standard
from greencert.catalog.schemas import SchemeIdPath
from greencert.core.errors import ValidationFailed
from greencert.core.schemas import ERROR_STATUSES, ErrorBody, RegistryDate
from greencert.evaluation import SchemeError, SubmissionError, evaluate, load_shipped_schemes

schemes_router = Router(tags=["evaluation 统一评价"])
evaluations_router = Router(tags=["evaluation 统一评价"])
standards_router = Router(tags=["catalog 统一目录"])
categories_router = Router(tags=["catalog 统一目录"])
ROUTERS = {
    "/schemes": schemes_router,
    "/evaluations": evaluations_router,
    "/standards": standards_router,
    "/categories": categories_router,
}
ACTIVITY_DESCRIPTION = (
    "channel of the green product mark (市场监管总局公告2019年第20号): "
    + "; ".join(f"{value} {label}" for value, label in MarkActivity.choices)
    + "; null for green services, which are not a channel of the mark"
)


class StandardOut(Schema):
    code: str = Field(examples=["GB/T 35607-2024"])
    number: str = Field(examples=["GB/T 35607"])
    year: int
    title_zh: str
    title_en: str
    published_on: dt.date | None
    in_force_on: dt.date | None = Field(description="the day the edition came into force")
    superseded_by: str | None
    in_force: bool = Field(description="in force on the requested date (default today)")
    citable_until: dt.date | None = Field(
        description="last issue date on which a new certificate may cite this edition "
        "(its successor's in-force date plus the transition period); null: no end yet"
    )
    transition_months: int | None
    transition_confirmed: bool
    confirmed: bool = Field(description="false: no official text confirmed the dates")
    source: str


class CategoryOut(Schema):
    code: str = Field(examples=["furniture"])
    name_zh: str
    name_en: str
    kind: str = Field(examples=["product"], description="product or service (绿色服务)")
    activity: int | None = Field(description=ACTIVITY_DESCRIPTION)
    graded: bool
    pilot_zone: bool = Field(description="in the pilot zone's catalog (先行区)")
    pilot_confirmed: bool
    certification_units: list[str]
    units_confirmed: bool
    standards: list[str]
    standard_in_force: str | None = Field(description="the edition cited on the requested date")
    confirmed: bool
    source: str


class StandardsQuery(Schema):
    on: RegistryDate | None = Field(None, description="the date asked about (default today)")
    number: str | None = Field(None, description="one standard, e.g. GB/T 35607")
    in_force: bool | None = Field(None, description="only editions in force (or not) on `on`")


class CategoriesQuery(Schema):
    on: RegistryDate | None = Field(None, description="the date asked about (default today)")
    pilot_zone: bool | None = Field(None, description="only the pilot zone's catalog (or not)")


def _standard_row(standard: Standard, day: dt.date) -> dict[str, Any]:
    return {
        "code": standard.code,
        "number": standard.number,
        "year": standard.year,
        "title_zh": standard.title_zh,
        "title_en": standard.title_en,
        "published_on": standard.published_on,
        "in_force_on": standard.in_force_on,
        "superseded_by": standard.superseded_by.code if standard.superseded_by else None,
        "in_force": in_force_on(standard, day),
        "citable_until": citable_until(standard),
        "transition_months": standard.transition_months,
        "transition_confirmed": standard.transition_confirmed,
        "confirmed": standard.confirmed,
        "source": standard.source,
    }


@standards_router.get(
    "",
    response={200: list[StandardOut], ERROR_STATUSES: ErrorBody},
    summary="Standards register 标准清单",
)
def list_standards(request: HttpRequest, query: Query[StandardsQuery]) -> list[dict[str, Any]]:
    """Every edition with its dates, successor and transition; `in_force` on `on` (default
    today). `?number=GB/T 35607&in_force=true&on=2025-01-01` answers which edition was in force."""
    day, number, in_force = query.on or timezone.localdate(), query.number, query.in_force
    editions = list(Standard.objects.select_related("superseded_by").order_by("number", "year"))
    rows = [_standard_row(e, day) for e in editions if number is None or e.number == number]
    if number is not None and not rows:
        raise ValidationFailed(
            field="number",
            value=number,
            expected_zh="标准清单所列标准号，如 GB/T 35607",
            expected_en="a standard number in the register, such as GB/T 35607",
        )
    if number is not None and in_force:
        current = edition_on(editions, number, day)
        return [_standard_row(current, day)] if current else []
    if in_force is not None:
        rows = [row for row in rows if row["in_force"] == in_force]
    return rows


@categories_router.get(
    "",
    response={200: list[CategoryOut], ERROR_STATUSES: ErrorBody},
    summary="Catalog categories 认证目录",
)
def list_categories(request: HttpRequest, query: Query[CategoriesQuery]) -> list[dict[str, Any]]:
    """Every category with its mark activity, units, editions and the edition cited on `on`."""
    day, pilot_zone = query.on or timezone.localdate(), query.pilot_zone
    categories = Category.objects.prefetch_related("standards__superseded_by").order_by(
        "kind", "batch", "code"
    )
    if pilot_zone is not None:
        categories = categories.filter(pilot_zone=pilot_zone)
    rows = []
    for category in categories:
        editions = sorted(category.standards.all(), key=lambda s: (s.number, s.year))
        current = category.standard_in_force(day)
        rows.append(
            {
                "code": category.code,
                "name_zh": category.name_zh,
                "name_en": category.name_en,
                "kind": category.kind,
                "activity": category.activity,
                "graded": category.graded,
                "pilot_zone": category.pilot_zone,
                "pilot_confirmed": category.pilot_confirmed,
                "certification_units": category.certification_units,
                "units_confirmed": category.units_confirmed,
                "standards": [s.code for s in editions],
                "standard_in_force": current.code if current else None,
                "confirmed": category.confirmed,
                "source": category.source,
            }
        )
    return rows


class SchemeVersionOut(Schema):
    version: str
    effective_from: dt.date | None
    effective_until: dt.date | None
    superseded_by: str
    in_force: bool = Field(description="in force on the requested date (default today)")
    content_hash: str


class SchemeOut(Schema):
    id: str = Field(examples=["cgp-coatings"])
    kind: str = Field(examples=["product"])
    title_zh: str
    title_en: str
    standard: str = Field(examples=["GB/T 35602-2017"])
    category: str | None = Field(examples=["coatings"])
    in_force_version: str | None
    versions: list[SchemeVersionOut]


class SchemeDetailOut(SchemeOut):
    document: dict[str, Any] = Field(description="the in-force (or newest) version as published")


class EvaluationIn(Schema):
    scheme: str = Field(examples=["cgp-coatings@2017"], description="ID or ID@VERSION")
    submission: dict[str, Any] = Field(
        examples=[{"certification_unit": "水性外墙涂料", "baseline": {}, "values": {}}]
    )
    on: RegistryDate | None = Field(
        None, description="without @VERSION: the version in force on this date"
    )


def _scheme_rows(day: dt.date, scheme_id: str | None = None) -> list[dict[str, Any]]:
    rows = EvaluationScheme.objects.select_related("category").order_by("scheme_id", "version")
    if scheme_id:
        rows = rows.filter(scheme_id=scheme_id)
    grouped: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = grouped.setdefault(
            row.scheme_id,
            {
                "id": row.scheme_id,
                "kind": row.kind,
                "title_zh": row.title_zh,
                "title_en": row.title_en,
                "standard": row.standard_code,
                "category": row.category.code if row.category else None,
                "in_force_version": None,
                "versions": [],
            },
        )
        in_force = row.in_force_on(day)
        if in_force:
            entry["in_force_version"] = row.version
            entry.update(title_zh=row.title_zh, title_en=row.title_en, standard=row.standard_code)
        entry["versions"].append(
            {
                "version": row.version,
                "effective_from": row.effective_from,
                "effective_until": row.effective_until,
                "superseded_by": row.superseded_by,
                "in_force": in_force,
                "content_hash": row.content_hash,
            }
        )
    return list(grouped.values())


@schemes_router.get(
    "",
    response={200: list[SchemeOut], ERROR_STATUSES: ErrorBody},
    summary="Evaluation schemes 评价方案",
)
def list_schemes(request: HttpRequest, on: RegistryDate | None = None) -> list[dict[str, Any]]:
    """Every scheme with its versions and the one in force on `on` (default today)."""
    return _scheme_rows(on or timezone.localdate())


@schemes_router.get(
    "/{scheme_id}",
    response={200: SchemeDetailOut, ERROR_STATUSES: ErrorBody},
    summary="One scheme with its versions",
)
def get_scheme(
    request: HttpRequest, scheme_id: SchemeIdPath, on: RegistryDate | None = None
) -> dict[str, Any]:
    rows = _scheme_rows(on or timezone.localdate(), scheme_id)
    if not rows:
        raise ValidationFailed(
            field="scheme_id",
            value=scheme_id,
            code="not_found",
            expected_zh="已发布的评价方案编号",
            expected_en="the id of a published scheme",
        )
    entry = rows[0]
    version = entry["in_force_version"] or entry["versions"][-1]["version"]
    scheme = load_shipped_schemes().get(scheme_id, version)
    return entry | {"document": scheme.to_dict()["document"]}


class SubmissionRejected(ValidationFailed):
    """The engine's own sentences already name the field, the value and what was expected."""

    @property
    def message_zh(self) -> str:
        return self.expected_zh

    @property
    def message_en(self) -> str:
        return self.expected_en


def _problems_error(exc: SubmissionError) -> ValidationFailed:
    problems = [{"location": p.location, "zh": p.zh, "en": p.en} for p in exc.problems]
    first = exc.problems[0] if exc.problems else None
    return SubmissionRejected(
        field=f"submission.{first.location}" if first else "submission",
        value="",
        expected_zh=exc.message("zh"),
        expected_en=exc.message("en"),
        extra={"problems": problems},
    )


@evaluations_router.post(
    "",
    response={200: dict[str, Any], ERROR_STATUSES: ErrorBody},
    summary="Evaluate a submission 评价",
)
def create_evaluation(request: HttpRequest, body: EvaluationIn) -> dict[str, Any]:
    """Judge a submission with a scheme: the verdict, every item explained in zh and en, the
    grade or tier of graded schemes, and the fingerprint a certificate cites."""
    try:
        scheme = load_shipped_schemes().resolve(body.scheme, on=body.on)
    except (SchemeError, KeyError, LookupError) as exc:
        raise ValidationFailed(
            field="scheme",
            value=body.scheme,
            expected_zh="已发布的评价方案，如 cgp-coatings 或 cgp-paper@2024",
            expected_en="a published scheme such as cgp-coatings or cgp-paper@2024",
        ) from exc
    try:
        return evaluate(scheme, body.submission).to_dict()
    except SubmissionError as exc:
        raise _problems_error(exc) from exc
