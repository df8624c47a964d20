"""The public change feed: the event log in sequence order, resumable from any sequence number.

The sequence is gapless and assigned in commit order, so a reader that resumes after the last
sequence it saw never misses or repeats an event. Each event is published as
``tree_head.feed_event`` writes it: its canonical JSON is a leaf of the log's Merkle tree.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from greencert.certification.lifecycle.log import last_sequence
from greencert.certification.lifecycle.tree_head import FEED_FIELDS, feed_event
from greencert.certification.models import CertificateEvent


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
    events = [feed_event(r) for r in rows]
    return {
        "events": events,
        "next_after": max(upper, after),
        "latest_sequence": latest,
    }
