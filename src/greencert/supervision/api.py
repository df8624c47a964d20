"""Supervision endpoints of /api/v1: the blacklist, credit grades, inspection draws, complaints.

All are public reads: the blacklist and inspection results are published by design (一公开),
a credit grade is shown with the records behind it, a complaint only to whoever holds its code.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from greencert.core.errors import refuse_future_date
from greencert.core.schemas import ERROR_STATUSES, ErrorBody, RegistryDate
from greencert.parties.models import CertificationBody, Enterprise
from greencert.supervision.credit import explain_grade
from greencert.supervision.filters import BlacklistFilters
from greencert.supervision.models import BlacklistEntry, Complaint, InspectionPlan
from greencert.supervision.presenters import complaint_dict, draw_document, entry_dict, plan_dict
from greencert.supervision.schemas import (
    BlacklistEntryOut,
    ComplaintStatusOut,
    CreditGradeOut,
    CreditSubjectPath,
    InspectionPlanOut,
    PlanCodePath,
    PublishedDrawOut,
    TrackingCodePath,
)

router = Router(tags=["supervision 联合监督"])
ROUTERS = {"/supervision": router}


class BlacklistQuery(Schema):
    limit: int = Field(100, ge=1, le=500)


@router.get(
    "/blacklist",
    response={200: list[BlacklistEntryOut], ERROR_STATUSES: ErrorBody},
    summary="The blacklist 黑名单",
)
def list_blacklist(
    request: HttpRequest, filters: Query[BlacklistFilters], query: Query[BlacklistQuery]
) -> list[dict]:
    """Listings binding all four provinces, newest first, with basis, scope and period."""
    qs = filters.filter(
        BlacklistEntry.objects.select_related("enterprise", "body").prefetch_related(
            "removal_applications"
        )
    )
    return [entry_dict(e) for e in qs.order_by("-listed_at", "-id")[: query.limit]]


@router.get(
    "/credit/{code}",
    response={200: CreditGradeOut, ERROR_STATUSES: ErrorBody},
    summary="Credit grade explained 信用等级",
)
def credit_grade(
    request: HttpRequest, code: CreditSubjectPath, at: RegistryDate | None = None
) -> dict:
    """An enterprise's (by 统一社会信用代码) or body's (by approval number) credit grade on a
    date, with every record, the points it adds and the rule version applied."""
    refuse_future_date("at", at)
    key = code.strip().upper()
    enterprise = Enterprise.objects.filter(credit_code=key).first()
    body = None if enterprise else CertificationBody.objects.filter(approval_number=key).first()
    if enterprise is None and body is None:
        raise Http404
    party = enterprise or body
    explained = explain_grade(enterprise=enterprise, body=body, on=at)
    return explained | {
        "subject_kind": "enterprise" if enterprise else "body",
        "subject_id": key,
        "subject_name": getattr(party, "name", ""),
    }


@router.get(
    "/inspections",
    response={200: list[InspectionPlanOut], ERROR_STATUSES: ErrorBody},
    summary="Random inspection plans 双随机抽查计划",
)
def list_plans(request: HttpRequest) -> list[dict]:
    plans = InspectionPlan.objects.exclude(state=InspectionPlan.State.DRAFT).order_by(
        "-committed_at"
    )
    return [plan_dict(p) for p in plans[:200]]


@router.get(
    "/inspections/{code}/draw",
    response={200: PublishedDrawOut, ERROR_STATUSES: ErrorBody},
    summary="A published draw 抽取公示",
)
def plan_draw(request: HttpRequest, code: PlanCodePath) -> dict:
    """Pools, fingerprints and the seed's commitment; after the draw the seed, the drawn objects
    and inspectors and each result, without the inspectors' declared conflicts of interest.
    Re-run it with `greencert inspections verify-draw FILE`."""
    plan = get_object_or_404(
        InspectionPlan.objects.exclude(state=InspectionPlan.State.DRAFT), code=code
    )
    return draw_document(plan)


@router.get(
    "/complaints/{tracking_code}",
    response={200: ComplaintStatusOut, ERROR_STATUSES: ErrorBody},
    summary="A complaint by tracking code 举报查询",
)
def complaint_status(request: HttpRequest, tracking_code: TrackingCodePath) -> dict:
    complaint = get_object_or_404(
        Complaint.objects.select_related("certificate"),
        tracking_code=tracking_code.strip().upper(),
    )
    return complaint_dict(complaint)
