"""Credit grades (信用等级) computed from credit records by the versioned rules in
``data/credit_rules/``; every grade comes with the records and rule version behind it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from greencert.supervision import blacklist
from greencert.supervision.codes import credit_rules, labels
from greencert.supervision.models import CreditRecord

if TYPE_CHECKING:
    from greencert.core.models import CertificateEvent


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: day 28 exists in every month


def repairable_from(record: CreditRecord) -> dt.date | None:
    """The first day the record may be repaired, or None for records that are never repaired."""
    months = credit_rules(record.occurred_on).repairable_after_months.get(record.source)
    return None if months is None else add_months(record.occurred_on, months)


def explain_grade(
    *, enterprise: Any = None, body: Any = None, on: dt.date | None = None
) -> dict[str, Any]:
    """The grade on ``on`` (today by default) with each record, its points and whether it counts."""
    day = on or timezone.localdate()
    rules = credit_rules(day)
    window_start = add_months(day, -rules.window_months)
    records = CreditRecord.objects.filter(occurred_on__lte=day).select_related("region")
    records = (
        records.filter(enterprise_id=getattr(enterprise, "pk", enterprise))
        if enterprise is not None
        else records.filter(body_id=getattr(body, "pk", body))
    )
    sources = labels("credit_sources")
    score = rules.start_score
    rows = []
    for record in records.order_by("occurred_on", "id"):
        points = rules.points[record.source]
        repaired = record.repaired_at is not None and timezone.localdate(record.repaired_at) <= day
        if repaired:
            counted, why = False, "repaired"
        elif record.occurred_on <= window_start:
            counted, why = False, "outside_window"
        else:
            counted, why = True, ""
        if counted:
            score += points
        rows.append(
            {
                "id": record.pk,
                "source": record.source,
                "source_zh": sources[record.source].zh,
                "source_en": sources[record.source].en,
                "occurred_on": record.occurred_on,
                "region": record.region_id,
                "basis_code": record.basis_code,
                "reference": record.reference,
                "points": points,
                "counted": counted,
                "not_counted_because": why,
                "repaired_at": record.repaired_at,
                "repair_reason": record.repair_reason,
            }
        )
    score = min(score, rules.max_score)
    listed = blacklist.is_listed(enterprise=enterprise, body=body, on=day)
    band = rules.band(rules.blacklisted_grade) if listed else rules.grade_for(score)
    return {
        "on": day,
        "rule_version": rules.version,
        "start_score": rules.start_score,
        "window_months": rules.window_months,
        "score": score,
        "grade": band.grade,
        "grade_zh": band.label.zh,
        "grade_en": band.label.en,
        "blacklisted": listed,
        "records": rows,
    }


def record_from_certificate_event(event: CertificateEvent) -> None:
    """Projection: a revocation and a passed surveillance enter the holder's credit record."""
    source = {"revoked": "revocation", "surveillance_passed": "surveillance_timely"}.get(
        event.event_type
    )
    if source is None:
        return
    certificate = event.certificate
    CreditRecord.objects.create(
        enterprise_id=certificate.holder_id,
        source=source,
        occurred_on=timezone.localdate(event.effective_at),
        region_id=certificate.site_region_id,
        basis_code="RCA-2020",
        evidence=f"证书 {certificate.number} 事件 #{event.sequence} {event.event_type} "
        f"{event.reason_code}",
        reference=certificate.number,
        recorded_by_id=event.actor_id,
        recorded_by_label=event.actor_label,
        recorded_at=event.recorded_at,
    )
