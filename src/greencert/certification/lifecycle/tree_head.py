"""The event log as published, and its RFC 6962 tree head at a time.

Leaf i of the log's Merkle tree is the canonical JSON (RFC 8785) of the event with sequence
i + 1 exactly as the public change feed publishes it (``feed_event``), so anyone holding the
feed can recompute a tree head. Times appear as the feed writes them: UTC, milliseconds, ``Z``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from greencert.certification.lifecycle.models import CertificateEvent
from greencert.core.canonical import canonical_json
from greencert.core.merkle import TreeHead, tree_head

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
_ENCODER = DjangoJSONEncoder()
# Rows are read in pages so a long log is hashed without holding it in memory.
_PAGE = 5000


def feed_time(value: dt.datetime) -> str:
    text: str = _ENCODER.default(value.astimezone(dt.UTC))
    return text


def feed_event(row: tuple[Any, ...]) -> dict[str, Any]:
    """One event of the change feed, from a row of ``FEED_FIELDS``."""
    return {
        "sequence": row[0],
        "certificate": row[1],
        "holder": row[2],
        "category": row[3],
        "province_code": row[4],
        "city_code": row[5],
        "type": row[6],
        "status_before": row[7],
        "status_after": row[8],
        "reason_code": row[9],
        "effective_at": feed_time(row[10]),
        "recorded_at": feed_time(row[11]),
    }


def event_leaf(event: dict[str, Any]) -> bytes:
    """The leaf bytes of a published event (a ``feed_event`` or one read back from the feed)."""
    return canonical_json(event)


def feed_events(first: int, last: int) -> Iterator[dict[str, Any]]:
    """The published events with sequences ``first``..``last``, in order."""
    start = first
    while start <= last:
        end = min(start + _PAGE - 1, last)
        rows = (
            CertificateEvent.objects.filter(sequence__gte=start, sequence__lte=end)
            .order_by("sequence")
            .values_list(*FEED_FIELDS)
        )
        for row in rows:
            yield feed_event(row)
        start = end + 1


def size_before(instant: dt.datetime) -> int:
    """How many events were recorded before ``instant``. Recording times follow the sequence
    (the clock is read under the counter's lock), so they are the first that many events."""
    return CertificateEvent.objects.filter(recorded_at__lt=instant).count()


def head_of(events: Iterable[dict[str, Any]]) -> TreeHead:
    """The tree head over published events given in sequence order from sequence 1; a gap or a
    disorder is refused, since the tree would not be the log's."""

    def leaves() -> Iterator[bytes]:
        expected = 1
        for event in events:
            if event.get("sequence") != expected:
                raise ValueError(
                    f"event sequence {event.get('sequence')} where {expected} was expected"
                )
            expected += 1
            yield event_leaf(event)

    return tree_head(leaves())


# The node's transparency log, when it is installed: the root of the first n leaves from its stored
# hashes (a few reads), or None when it has not logged that many events yet.
_stored_root: Callable[[int], bytes | None] | None = None


def register_stored_tree(stored_root: Callable[[int], bytes | None]) -> None:
    global _stored_root
    _stored_root = stored_root


def tree_head_at(instant: dt.datetime) -> TreeHead:
    """The tree head of all events recorded before ``instant``, from the local database: read
    from the stored log when it reaches that far, else hashed from the events."""
    size = size_before(instant)
    root = _stored_root(size) if _stored_root is not None else None
    if root is not None:
        return TreeHead(size=size, root_hash=root.hex())
    return head_of(feed_events(1, size))
