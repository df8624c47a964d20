"""Credit grades (信用等级) computed from credit records by the versioned rules in
``data/credit_rules/``; every grade comes with the records and rule version behind it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from greencert.certification.lifecycle import EventType
from greencert.supervision import blacklist
from greencert.supervision.codes import credit_rules, labels
from greencert.supervision.models import CreditRecord

if TYPE_CHECKING:
    from greencert.certification.models import Certificate, CertificateEvent

# Events that enter the holder's credit record, and the credit source each becomes.
CREDIT_EVENTS = {
    EventType.REVOKED: "revocation",
    EventType.SURVEILLANCE_PASSED: "surveillance_timely",
}


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


def _record_for(event: CertificateEvent, certificate: Certificate) -> CreditRecord:
    return CreditRecord(
        enterprise_id=certificate.holder_id,
        source=CREDIT_EVENTS[EventType(event.event_type)],
        occurred_on=timezone.localdate(event.effective_at),
        region_id=certificate.site_region_id,
        basis_code="RCA-2020",
        evidence=f"证书 {certificate.number} 事件 #{event.sequence} {event.event_type} "
        f"{event.reason_code}",
        reference=certificate.number,
        recorded_by_id=event.actor_id,
        recorded_by_label=event.actor_label,
        recorded_at=event.recorded_at,
        event_sequence=event.sequence,
    )


def record_from_certificate_event(event: CertificateEvent) -> None:
    """Projection: a revocation and a passed surveillance enter the holder's credit record."""
    if event.event_type in CREDIT_EVENTS:
        _record_for(event, event.certificate).save()


def rebuild_credit_from_events() -> int:
    """Rebuild: the credit record of every event that brings one about and has none yet.
    Records the log brought about are never changed here (a regulator may have repaired one)."""
    from greencert.certification.models import CertificateEvent

    have = set(
        CreditRecord.objects.filter(event_sequence__isnull=False).values_list(
            "event_sequence", flat=True
        )
    )
    events = (
        CertificateEvent.objects.filter(event_type__in=list(CREDIT_EVENTS))
        .select_related("certificate")
        .only(*EVENT_FIELDS)
        .order_by("sequence")
    )
    batch: list[CreditRecord] = []
    made = 0
    for event in events.iterator(chunk_size=5000):
        if event.sequence in have:
            continue
        batch.append(_record_for(event, event.certificate))
        if len(batch) >= 5000:
            made += len(CreditRecord.objects.bulk_create(batch))
            batch = []
    made += len(CreditRecord.objects.bulk_create(batch))
    return made


EVENT_FIELDS = (
    "sequence",
    "event_type",
    "reason_code",
    "effective_at",
    "recorded_at",
    "actor_id",
    "actor_label",
    "certificate__number",
    "certificate__holder_id",
    "certificate__site_region_id",
)
