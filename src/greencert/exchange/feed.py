"""The public change feed: the event log in sequence order, resumable from any sequence number.

The sequence is gapless and assigned in commit order, so a reader that resumes after the last
sequence it saw never misses or repeats an event.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from greencert.certification.lifecycle.log import last_sequence
from greencert.certification.models import CertificateEvent

FEED_FIELDS = (
    "sequence",
    "certificate__number",
    "certificate__holder__credit_code",
    "certificate__category__code",
    "certificate__province_code",
    "certificate__city_code",
    "event_type",
    "status_before",
    "status_after",
    "reason_code",
    "effective_at",
    "recorded_at",
)


def read_changes(after: int, limit: int, filters: Q | None = None) -> dict[str, Any]:
    # Everything up to the committed counter value is committed too (numbers are handed out in
    # commit order), so reading the counter first makes the page safe to resume from. Only the
    # first ``limit`` numbers after ``after`` are scanned, so a filtered page stays cheap;
    # next_after moves past what was scanned even where nothing matched.
    latest = last_sequence()
    upper = min(after + limit, latest)
    qs = CertificateEvent.objects.filter(sequence__gt=after, sequence__lte=upper)
    if filters:
        qs = qs.filter(filters)
    rows = qs.order_by("sequence").values_list(*FEED_FIELDS)
    events = [
        {
            "sequence": r[0],
            "certificate": r[1],
            "holder": r[2],
            "category": r[3],
            "province_code": r[4],
            "city_code": r[5],
            "type": r[6],
            "status_before": r[7],
            "status_after": r[8],
            "reason_code": r[9],
            "effective_at": r[10],
            "recorded_at": r[11],
        }
        for r in rows
    ]
    return {
        "events": events,
        "next_after": max(upper, after),
        "latest_sequence": latest,
    }
