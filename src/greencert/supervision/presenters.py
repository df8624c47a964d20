"""Supervision records as the public sees them: the dictionaries behind the API and the pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from greencert.certification.foreign import authority_for_province
from greencert.supervision import draw
from greencert.supervision.actions import early_removal_opens
from greencert.supervision.codes import labels
from greencert.supervision.inspections import published_draw
from greencert.supervision.models import BlacklistEntry, Complaint, InspectionPlan


def entry_dict(entry: BlacklistEntry) -> dict[str, Any]:
    basis = labels("bases")[entry.basis_code]
    today = timezone.localdate()
    return {
        "id": entry.pk,
        "subject_kind": "enterprise" if entry.enterprise_id else "body",
        "subject_id": entry.subject_code,
        "subject_name": str(entry.subject),
        "subject_label": getattr(entry.subject, "name", str(entry.subject)),
        "basis_code": entry.basis_code,
        "basis_zh": basis.zh,
        "basis_en": basis.en,
        "facts": entry.basis_text,
        "categories": entry.categories,
        "starts_on": entry.starts_on,
        "ends_on": entry.ends_on,
        "region": entry.region_id,
        "region_name": entry.region.name(get_language() or "zh-hans") if entry.region else "",
        "in_force": entry.starts_on <= today <= entry.ends_on
        and (entry.removed_on is None or entry.removed_on > today),
        "removed_on": entry.removed_on,
        "removal_kind": entry.removal_kind,
        "removal_reason": entry.removal_reason,
        "removed_early": entry.removal_kind == "decision"
        and entry.removed_on is not None
        and entry.removed_on <= entry.ends_on,
        "early_removal_from": early_removal_opens(entry),
        # Prefetched by the list pages (``removal_applications``); the history the public sees.
        "applications": [
            {
                "id": a.pk,
                "state": a.state,
                "state_label": a.get_state_display(),
                "submitted_on": timezone.localdate(a.submitted_at),
                "decided_on": timezone.localdate(a.decided_at) if a.decided_at else None,
                "decision_reason": a.decision_reason,
            }
            for a in sorted(entry.removal_applications.all(), key=lambda a: a.submitted_at)
        ],
    }


def plan_dict(plan: InspectionPlan) -> dict[str, Any]:
    return {
        "code": plan.code,
        "title": plan.title,
        "region": plan.region_id,
        "object_kind": plan.object_kind,
        "state": plan.state,
        "commitment": plan.seed_commitment,
        "committed_at": plan.committed_at,
        "drawn_at": plan.drawn_at,
        "draw_url": reverse("supervision:plan_draw", args=[plan.code]),
    }


def check_rows(plan: InspectionPlan) -> list[dict[str, Any]]:
    results = labels("inspection_results")
    today = timezone.localdate()
    return [
        {
            "object": c.object_id,
            "items": c.items,
            "inspectors": c.inspectors,
            "due_on": c.due_on.isoformat(),
            "overdue": not c.result and today > c.due_on,
            "result": c.result,
            "result_zh": results[c.result].zh if c.result else "",
            "result_en": results[c.result].en if c.result else "",
            "findings": c.findings,
            "published_at": c.published_at.isoformat() if c.published_at else None,
        }
        for c in plan.checks.order_by("object_id")
    ]


def draw_document(plan: InspectionPlan, *, with_conflicts: bool = False) -> dict[str, Any]:
    """What the plan's page offers for download and ``verify-draw`` reads: the public record,
    or for the plan's regulators (``with_conflicts``) the record with the inspectors' declared
    conflicts of interest, from which the inspector assignment re-runs in full."""
    document = published_draw(plan)
    if not with_conflicts:
        document = draw.public_record(document)
    return document | {"checks": check_rows(plan)}


def complaint_dict(complaint: Complaint) -> dict[str, Any]:
    states, outcomes = labels("complaint_states"), labels("complaint_outcomes")
    outcome = outcomes.get(complaint.outcome)
    return {
        "tracking_code": complaint.tracking_code,
        "state": complaint.state,
        "state_zh": states[complaint.state].zh,
        "state_en": states[complaint.state].en,
        "certificate": complaint.certificate.number
        if complaint.certificate
        else complaint.typed_number,
        "received_at": complaint.received_at,
        "outcome": complaint.outcome,
        "outcome_zh": outcome.zh if outcome else "",
        "outcome_en": outcome.en if outcome else "",
        "outcome_note": complaint.outcome_note,
        "closed_at": complaint.closed_at,
        "forwarded_to": forwarded_to(complaint),
    }


def forwarded_to(complaint: Complaint) -> dict[str, Any] | None:
    """Where a forwarded complaint went: the province whose regulators handle it and their node,
    and whether that node has confirmed receiving it."""
    if not complaint.forwarded_to or complaint.region is None:
        return None
    authority = authority_for_province(complaint.region.code)
    return {
        "province_zh": complaint.region.name_zh,
        "province_en": complaint.region.name_en,
        "node_zh": authority.name_zh if authority else "",
        "node_en": authority.name_en if authority else "",
        "delivered": complaint.delivered_at is not None,
    }
