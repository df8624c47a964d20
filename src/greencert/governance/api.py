"""Governance endpoints of /api/v1: the working group, the alliance, announcements, recognitions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from greencert.core.schemas import ERROR_STATUSES, ErrorBody
from greencert.governance.models import RecognitionAgreement
from greencert.governance.presenters import announcement_dict
from greencert.governance.schemas import AgreementOut, AnnouncementOut, AnnouncementSummaryOut
from greencert.governance.views.announcements import find, published

router = Router(tags=["governance 协同机制"])

ROUTERS = {"": router}

SUMMARY_FIELDS = set(AnnouncementSummaryOut.model_fields)


@router.get(
    "/announcements",
    response={200: list[AnnouncementSummaryOut], ERROR_STATUSES: ErrorBody},
    summary="Announcements 公告",
)
def list_announcements(request: HttpRequest) -> list[dict[str, Any]]:
    """Published announcements of the working group, newest first."""
    rows = published().order_by("-announced_on", "-year", "-serial")[:200]
    return [{k: v for k, v in announcement_dict(a).items() if k in SUMMARY_FIELDS} for a in rows]


@router.get(
    "/announcements/{id}",
    response={200: AnnouncementOut, ERROR_STATUSES: ErrorBody},
    summary="One announcement 公告详情",
)
def get_announcement(request: HttpRequest, id: str) -> dict[str, Any]:
    """A published announcement by its number (`2026-1`): the signed content and file, and the
    current status of each certificate it lists (which may differ from the status it was
    announced with)."""
    return announcement_dict(find(id))


@router.get(
    "/recognition-agreements",
    response={200: list[AgreementOut], ERROR_STATUSES: ErrorBody},
    summary="Recognition agreements 互认协议",
)
def list_agreements(request: HttpRequest) -> list[dict[str, Any]]:
    """结果互认 and 国际互认 agreements with parties, scope, dates, documents and recognitions."""
    agreements = RecognitionAgreement.objects.prefetch_related(
        "parties",
        "categories",
        "documents",
        "recognitions__certificate",
        "recognitions__recognised_by",
    ).order_by("code")
    return [_agreement_dict(a) for a in agreements]


def _agreement_dict(agreement: RecognitionAgreement) -> dict[str, Any]:
    return {
        "code": agreement.code,
        "title_zh": agreement.title_zh,
        "title_en": agreement.title_en,
        "kind": agreement.kind,
        "state": agreement.state,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "ended_on": agreement.ended_on,
        "scope": sorted(c.code for c in agreement.categories.all()),
        "parties": [
            {"name_zh": p.name_zh, "name_en": p.name_en, "region": p.region_id, "scheme": p.scheme}
            for p in agreement.parties.all()
        ],
        "documents": [{"title": d.title, "link": d.link} for d in agreement.documents.all()],
        "demo": agreement.demo,
        "recognitions": [
            {
                "certificate": r.certificate.number,
                "recognised_by": r.recognised_by.name_zh,
                "since": r.since,
                "ended_on": r.ended_on,
            }
            for r in agreement.recognitions.all()
        ],
    }
