"""The institutions' records as pages and the API show them: the working group, the alliance,
announcements and recognitions."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from greencert.certification import lifecycle
from greencert.certification.models import Certificate
from greencert.certification.recognitions import recognitions_of
from greencert.governance import roster
from greencert.governance.alliance_codes import labels
from greencert.governance.models import (
    AllianceDocument,
    AllianceMember,
    Announcement,
    Decision,
    JointMeeting,
    Recognition,
    RecognitionAgreement,
)
from greencert.governance.targets import find_target


def _regulator_zh(code: str) -> str:
    member = roster.member(code)
    return member.regulator_zh if member else code


def working_group_dict() -> dict[str, Any]:
    names = {m.region_code: m for m in roster.members()}
    return {
        "members": [
            {
                "region": m.region_code,
                "name_zh": m.regulator_zh,
                "name_en": m.regulator_en,
                "convening": m.convening,
            }
            for m in roster.members()
        ],
        "chairs": [
            {
                "year": t.year,
                "region": t.region_code,
                "name_zh": names[t.region_code].regulator_zh,
                "name_en": names[t.region_code].regulator_en,
                "confirmed": t.confirmed,
                "source": t.source,
            }
            for t in roster.chairs(timezone.localdate().year)
        ],
    }


def decision_dict(decision: Decision) -> dict[str, Any]:
    today = timezone.localdate()
    targets = []
    for link in decision.targets.all():
        found = find_target(link.indicator, link.region_code, link.year)
        targets.append(
            {
                "indicator": link.indicator,
                "region": link.region_code,
                "year": link.year,
                "description_zh": found.describe("zh") if found else "",
                "description_en": found.describe("en") if found else "",
            }
        )
    return {
        "number": decision.number,
        "meeting": decision.meeting.number,
        "title": decision.title,
        "text": decision.text,
        "documents": [d.code for d in decision.documents.all()],
        "targets": targets,
        "tasks": [
            {
                "assignee": t.assignee_id,
                "assignee_zh": _regulator_zh(t.assignee_id),
                "description": t.description,
                "due_on": t.due_on,
                "status": t.status_on(today),
                "done_on": t.done_on,
            }
            for t in decision.tasks.all()
        ],
    }


def meeting_dict(meeting: JointMeeting) -> dict[str, Any]:
    return {
        "number": meeting.number,
        "title": meeting.title,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "chair": meeting.chair_id,
        "chair_zh": _regulator_zh(meeting.chair_id),
        "attendees": sorted(r.code for r in meeting.attendees.all()),
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "published_at": meeting.published_at,
        "decisions": [decision_dict(d) for d in meeting.decisions.all()],
    }


def member_dict(member: AllianceMember) -> dict[str, Any]:
    kind = labels("member_kinds")[member.kind]
    return {
        "name": member.name,
        "name_en": member.name_en,
        "kind": member.kind,
        "kind_zh": kind.zh,
        "kind_en": kind.en,
        "credit_code": member.credit_code,
        "approval_number": member.body.approval_number if member.body else None,
        "region": member.region_id,
        "province": member.province_code,
        "state": member.state,
        "joined_on": member.joined_on,
        "left_on": member.left_on,
        "website": member.website,
    }


def document_dict(document: AllianceDocument) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "code": document.code,
        "kind": document.kind,
        "title_zh": document.title_zh,
        "title_en": document.title_en,
        "versions": [
            {
                "version": v.version,
                "issued_on": v.issued_on,
                "in_force_on": v.in_force_on,
                "filed": v.is_filed,
                "filing_number": v.filing_number,
                "filed_on": v.filed_on,
                "citable": v.is_filed and v.in_force_on <= today,
                "citations": v.citations.count(),
            }
            for v in document.versions.all()
        ],
    }


def _label(code: str, language: str) -> str:
    return lifecycle.status_label(code).get(language) if code else ""


def announcement_rows(announcement: Announcement, language: str) -> list[dict[str, Any]]:
    """Each line as signed, with the certificate's current status beside its status then."""
    items = announcement.content.get("items", [])
    numbers = [i["certificate"]["number"] for i in items if i.get("certificate")]
    current = dict(Certificate.objects.filter(number__in=numbers).values_list("number", "status"))
    rows = []
    for item in items:
        cert = item.get("certificate")
        row: dict[str, Any] = {
            "position": item["position"],
            "organisation": item["organisation"]["name"],
            "credit_code": item["organisation"]["registeredId"],
            "certificate": None,
        }
        if cert:
            then = cert["status"]["code"]
            now = current.get(cert["number"], then)
            category = cert.get("category", {})
            row["certificate"] = {
                "number": cert["number"],
                "category": category.get("name_en" if language.startswith("en") else "name_zh"),
                "body": cert["body"]["name"],
                "status_then": then,
                "status_then_label": _label(then, language),
                "status_now": now,
                "status_now_label": _label(now, language),
                "changed": now != then,
            }
        rows.append(row)
    return rows


def announcement_dict(announcement: Announcement) -> dict[str, Any]:
    """The API's announcement: the signed content, the signed file and today's statuses."""
    rows = announcement_rows(announcement, "en")
    return {
        "id": announcement.slug,
        "number": announcement.number,
        "number_en": announcement.number_en,
        "title": announcement.title,
        "title_en": announcement.title_en,
        "date": announcement.announced_on,
        "publisher": announcement.publisher,
        "published_at": announcement.published_at,
        "url": reverse("governance:announcement", args=[announcement.slug]),
        "signed_url": reverse("governance:announcement_signed", args=[announcement.slug]),
        "signed": announcement.signed,
        "content": announcement.content,
        "current_statuses": {
            r["certificate"]["number"]: r["certificate"]["status_now"]
            for r in rows
            if r["certificate"]
        },
    }


def verify_recognitions(
    certificate: Certificate, language: str, history: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The verify page's recognitions (from the event log), linked to the agreements on record."""
    return recognitions_for_page(recognitions_of(certificate, history), language)


def recognitions_for_page(entries: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    """Recognition entries (``recognitions_of``, or a public document's ``recognitions``) as the
    verify page lists them: one query, for the agreements on record, when there are any."""
    if not entries:
        return []
    known = set(
        RecognitionAgreement.objects.filter(code__in=[e["agreement"] for e in entries]).values_list(
            "code", flat=True
        )
    )
    english = language.startswith("en")
    return [
        {
            "agreement": e["agreement"],
            "title": e["title_en"] if english else e["title_zh"],
            "recognised_by": e["recognised_by"].get("name_en" if english else "name_zh", ""),
            "international": e["kind"] == RecognitionAgreement.Kind.INTERNATIONAL,
            "since": e["since"],
            "ended": e["ended"],
            "url": reverse("governance:agreement", args=[e["agreement"]])
            if e["agreement"] in known
            else "",
        }
        for e in entries
    ]


def recognition_rows(agreement: RecognitionAgreement) -> list[Recognition]:
    return list(
        agreement.recognitions.select_related(
            "certificate__holder", "certificate__category", "recognised_by"
        ).order_by("ended_on", "-since", "id")
    )
