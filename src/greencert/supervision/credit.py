"""Credit grades (信用等级) computed from credit records by the versioned rules in
``data/credit_rules/``; every grade comes with the records and rule version behind it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from greencert.certification.lifecycle import EventType
from greencert.supervision import blacklist
from greencert.supervision.codes import blacklist_rules, credit_rules, labels
from greencert.supervision.models import BlacklistEntry, CreditRecord

if TYPE_CHECKING:
    from greencert.certification.models import Certificate, CertificateEvent

# Events that enter the holder's credit record, and the credit source each becomes.
CREDIT_EVENTS = {
    EventType.REVOKED: "revocation",
    EventType.SURVEILLANCE_PASSED: "surveillance_timely",
}
# Events that enter the issuing body's credit record: a regulator's order, or an action the rules
# made due (a revocation when a suspension ran out, a suspension after failed surveillance), that it
# let pass its deadline.
BODY_CREDIT_EVENTS = {
    EventType.ORDER_OVERDUE: "order_overdue",
    EventType.DUE_ACTION_OVERDUE: "due_action_overdue",
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


def credit_classes(
    *,
    enterprise_ids: Collection[int] = (),
    body_ids: Collection[int] = (),
    on: dt.date,
) -> dict[tuple[str, int], str]:
    """The grade (credit risk class) of many subjects on ``on``, in three queries, keyed by
    ("enterprise" | "body", id): what ``explain_grade`` gives one by one. A listed subject is
    drawn in the class the blacklist's effects name (``data/blacklist_rules.yaml``)."""
    rules = credit_rules(on)
    window_start = add_months(on, -rules.window_months)
    scores = {("enterprise", i): rules.start_score for i in enterprise_ids} | {
        ("body", i): rules.start_score for i in body_ids
    }
    records = CreditRecord.objects.filter(
        Q(enterprise_id__in=enterprise_ids) | Q(body_id__in=body_ids),
        occurred_on__lte=on,
        occurred_on__gt=window_start,
    ).values_list("enterprise_id", "body_id", "source", "repaired_at")
    for enterprise_id, body_id, source, repaired_at in records:
        if repaired_at is not None and timezone.localdate(repaired_at) <= on:
            continue
        key = ("enterprise", enterprise_id) if enterprise_id else ("body", body_id)
        scores[key] += rules.points[source]
    classes = {
        key: rules.grade_for(min(score, rules.max_score)).grade for key, score in scores.items()
    }
    listed_class = blacklist_rules().listed_draw_class or rules.blacklisted_grade
    listed = BlacklistEntry.objects.filter(
        (Q(enterprise_id__in=enterprise_ids) | Q(body_id__in=body_ids)) & blacklist.in_force(on)
    ).values_list("enterprise_id", "body_id")
    for enterprise_id, body_id in listed:
        classes[("enterprise", enterprise_id) if enterprise_id else ("body", body_id)] = (
            listed_class
        )
    return classes


# The legal basis of the records the event log brings about.
EVENT_BASIS = "RCA-2020"


def _record_for(event: CertificateEvent, certificate: Certificate) -> CreditRecord:
    event_type = EventType(event.event_type)
    of_body = event_type in BODY_CREDIT_EVENTS
    return CreditRecord(
        enterprise_id=None if of_body else certificate.holder_id,
        body_id=certificate.body_id if of_body else None,
        source=BODY_CREDIT_EVENTS[event_type] if of_body else CREDIT_EVENTS[event_type],
        occurred_on=timezone.localdate(event.effective_at),
        region_id=certificate.site_region_id,
        basis_code=EVENT_BASIS,
        evidence=f"证书 {certificate.number} 事件 #{event.sequence} {event.event_type} "
        f"{event.reason_code}",
        reference=certificate.number,
        recorded_by_id=event.actor_id,
        recorded_by_label=event.actor_label,
        recorded_at=event.recorded_at,
        event_sequence=event.sequence,
    )


def record_from_certificate_event(event: CertificateEvent) -> None:
    """Projection: a revocation and a passed surveillance enter the holder's credit record, an
    overdue order or due action the issuing body's."""
    if event.event_type in CREDIT_EVENTS or event.event_type in BODY_CREDIT_EVENTS:
        _record_for(event, event.certificate).save()


def _local_date_sql(column: str) -> tuple[str, list[Any]]:
    """SQL for the local (Beijing) date of a stored instant, with its parameters."""
    if connection.vendor == "postgresql":
        return f"(({column}) AT TIME ZONE %s)::date", [timezone.get_current_timezone_name()]
    offset = timezone.localtime(timezone.now()).utcoffset() or dt.timedelta()
    return f"date({column}, %s)", [f"{int(offset.total_seconds())} seconds"]


def rebuild_credit_from_events() -> int:
    """Rebuild: the credit record of every event that brings one about and has none yet.
    Records the log brought about are never changed here (a regulator may have repaired one)."""
    return _rebuild(CREDIT_EVENTS, "c.holder_id, NULL") + _rebuild(
        BODY_CREDIT_EVENTS, "NULL, c.body_id"
    )


def _rebuild(events: dict[EventType, str], subject_sql: str) -> int:
    """One INSERT … SELECT for the events mapped in ``events``, each record's subject given by
    ``subject_sql`` (enterprise_id, body_id): a bulk load brings millions of such events, too
    many to pass through model instances. It writes what ``_record_for`` writes, column for
    column."""
    from greencert.certification.models import Certificate, CertificateEvent

    occurred_on, date_params = _local_date_sql("e.effective_at")
    cases = " ".join("WHEN %s THEN %s" for _ in events)
    sql = (
        f"INSERT INTO {CreditRecord._meta.db_table} (enterprise_id, body_id, source, occurred_on, "
        "region_id, basis_code, evidence, reference, recorded_by_id, recorded_by_label, "
        "recorded_at, repaired_at, repaired_by_label, repair_reason, event_sequence) "
        f"SELECT {subject_sql}, CASE e.event_type {cases} END, {occurred_on}, "
        "c.site_region_id, %s, "
        "%s || c.number || %s || CAST(e.sequence AS TEXT) || ' ' || e.event_type || ' ' "
        "|| e.reason_code, "
        "c.number, e.actor_id, e.actor_label, e.recorded_at, NULL, '', '', e.sequence "
        f"FROM {CertificateEvent._meta.db_table} e "
        f"JOIN {Certificate._meta.db_table} c ON c.id = e.certificate_id "
        f"WHERE e.event_type IN ({', '.join(['%s'] * len(events))}) AND NOT EXISTS "
        f"(SELECT 1 FROM {CreditRecord._meta.db_table} r WHERE r.event_sequence = e.sequence) "
        "ORDER BY e.sequence"
    )
    params = [
        *(value for pair in events.items() for value in pair),
        *date_params,
        EVENT_BASIS,
        "证书 ",
        " 事件 #",
        *events,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)
