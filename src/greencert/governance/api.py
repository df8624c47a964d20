"""Governance endpoints of /api/v1: the working group, the alliance, announcements, recognitions.

All are public reads of what the pages publish: the working group's members and chairs, its
published meetings and decisions, the alliance's members (not applications) and documents, published
announcements and recognition agreements.
"""

# No ``from __future__ import annotations``: Ninja resolves a paginated view's annotations in the
# module of @paginate's wrapper, where names of this module are unknown.
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.pagination import paginate

from greencert.core.pagination import KeysetPagination
from greencert.core.schemas import ERROR_STATUSES, ErrorBody
from greencert.governance.alliance_codes import public_states
from greencert.governance.filters import MemberFilters
from greencert.governance.models import (
    AllianceDocument,
    AllianceMember,
    Decision,
    DecisionTask,
    DocumentVersion,
    JointMeeting,
    RecognitionAgreement,
)
from greencert.governance.presenters import (
    announcement_dict,
    decision_dict,
    document_dict,
    meeting_dict,
    member_dict,
    working_group_dict,
)
from greencert.governance.schemas import (
    AgreementOut,
    AllianceDocumentOut,
    AllianceMemberOut,
    AnnouncementNumberPath,
    AnnouncementOut,
    AnnouncementSummaryOut,
    DecisionNumberPath,
    DecisionOut,
    DocumentCodePath,
    MeetingNumberPath,
    MeetingOut,
    WorkingGroupOut,
)
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
def get_announcement(request: HttpRequest, id: AnnouncementNumberPath) -> dict[str, Any]:
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


def _decisions() -> Prefetch:
    return Prefetch(
        "decisions",
        Decision.objects.order_by("position")
        .select_related("meeting")
        .prefetch_related(
            "documents", "targets", Prefetch("tasks", DecisionTask.objects.order_by("due_on"))
        ),
    )


def _published_meetings() -> QuerySet[JointMeeting]:
    return JointMeeting.objects.filter(state=JointMeeting.State.PUBLISHED).prefetch_related(
        "attendees", _decisions()
    )


@router.get(
    "/working-group",
    response={200: WorkingGroupOut, ERROR_STATUSES: ErrorBody},
    summary="The working group 推进工作组",
)
def get_working_group(request: HttpRequest) -> dict[str, Any]:
    """Members (the four provinces' and the eight pilot areas' market regulators) and the chair
    (组长单位) of each year."""
    return working_group_dict()


class MeetingPages(KeysetPagination):
    newest_first = True
    default_limit = 20
    max_limit = 100
    salt = "greencert.governance.meetings"

    def present(self, rows: list[JointMeeting]) -> list[dict[str, Any]]:
        return [meeting_dict(m) for m in rows]


@router.get(
    "/working-group/meetings",
    response={200: list[MeetingOut], ERROR_STATUSES: ErrorBody},
    summary="Published joint meetings 联席会议",
)
@paginate(MeetingPages)
def list_meetings(request: HttpRequest) -> QuerySet[JointMeeting]:
    """Published meetings, newest first, each with its decisions and their tasks."""
    return _published_meetings()


@router.get(
    "/working-group/meetings/{number}",
    response={200: MeetingOut, ERROR_STATUSES: ErrorBody},
    summary="One joint meeting 联席会议",
)
def get_meeting(request: HttpRequest, number: MeetingNumberPath) -> dict[str, Any]:
    return meeting_dict(get_object_or_404(_published_meetings(), number=number))


class DecisionPages(KeysetPagination):
    newest_first = True
    default_limit = 50
    max_limit = 200
    salt = "greencert.governance.decisions"

    def present(self, rows: list[Decision]) -> list[dict[str, Any]]:
        return [decision_dict(d) for d in rows]


def _published_decisions() -> QuerySet[Decision]:
    return (
        Decision.objects.filter(meeting__state=JointMeeting.State.PUBLISHED)
        .select_related("meeting")
        .prefetch_related(
            "documents", "targets", Prefetch("tasks", DecisionTask.objects.order_by("due_on"))
        )
    )


@router.get(
    "/working-group/decisions",
    response={200: list[DecisionOut], ERROR_STATUSES: ErrorBody},
    summary="Decisions of published meetings 会议决定",
)
@paginate(DecisionPages)
def list_decisions(request: HttpRequest) -> QuerySet[Decision]:
    """Decisions, latest first, with the tasks they set (open, done or overdue today)."""
    return _published_decisions()


@router.get(
    "/working-group/decisions/{number}",
    response={200: DecisionOut, ERROR_STATUSES: ErrorBody},
    summary="One decision 会议决定",
)
def get_decision(request: HttpRequest, number: DecisionNumberPath) -> dict[str, Any]:
    return decision_dict(get_object_or_404(_published_decisions(), number=number))


class MemberPages(KeysetPagination):
    default_limit = 50
    max_limit = 200
    salt = "greencert.governance.alliance-members"

    def present(self, rows: list[AllianceMember]) -> list[dict[str, Any]]:
        return [member_dict(m) for m in rows]


@router.get(
    "/alliance/members",
    response={200: list[AllianceMemberOut], ERROR_STATUSES: ErrorBody},
    summary="Alliance members 联盟成员",
)
@paginate(MemberPages)
def list_members(request: HttpRequest, filters: Query[MemberFilters]) -> QuerySet[AllianceMember]:
    """Member organisations (current, suspended and former; never pending or refused
    applications), in the order they applied; follow `next_cursor` for the next page."""
    return filters.filter(
        AllianceMember.objects.filter(state__in=public_states()).select_related("body")
    )


def _documents() -> QuerySet[AllianceDocument]:
    versions = DocumentVersion.objects.order_by("-in_force_on", "-id")
    return AllianceDocument.objects.prefetch_related(Prefetch("versions", versions))


@router.get(
    "/alliance/documents",
    response={200: list[AllianceDocumentOut], ERROR_STATUSES: ErrorBody},
    summary="Alliance documents 联盟文件",
)
def list_documents(request: HttpRequest) -> list[dict[str, Any]]:
    """Procedure and technical documents with their versions and CNCA filing (备案)."""
    return [document_dict(d) for d in _documents()]


@router.get(
    "/alliance/documents/{code}",
    response={200: AllianceDocumentOut, ERROR_STATUSES: ErrorBody},
    summary="One alliance document 联盟文件",
)
def get_document(request: HttpRequest, code: DocumentCodePath) -> dict[str, Any]:
    return document_dict(get_object_or_404(_documents(), code=code))
