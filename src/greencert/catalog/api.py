"""Evaluation schemes and evaluations (统一评价) in /api/v1."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from greencert.catalog.models import EvaluationScheme
from greencert.core.errors import ValidationFailed
from greencert.core.schemas import ERROR_STATUSES, ErrorBody
from greencert.evaluation import SchemeError, SubmissionError, evaluate, load_shipped_schemes

schemes_router = Router(tags=["evaluation 统一评价"])
evaluations_router = Router(tags=["evaluation 统一评价"])
ROUTERS = {"/schemes": schemes_router, "/evaluations": evaluations_router}


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
    on: dt.date | None = Field(
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
def list_schemes(request: HttpRequest, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Every scheme with its versions and the one in force on `on` (default today)."""
    return _scheme_rows(on or timezone.localdate())


@schemes_router.get(
    "/{scheme_id}",
    response={200: SchemeDetailOut, ERROR_STATUSES: ErrorBody},
    summary="One scheme with its versions",
)
def get_scheme(request: HttpRequest, scheme_id: str, on: dt.date | None = None) -> dict[str, Any]:
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
