"""What a peer's log entry must be before it is applied: a published feed event (the leaf
``certification.lifecycle.tree_head.feed_event`` writes), in canonical JSON, with the sequence of
its position and values of the expected kinds."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from greencert.certification.lifecycle import Status
from greencert.core.canonical import canonical_json

FEED_KEYS = frozenset(
    {
        "sequence",
        "certificate",
        "holder",
        "category",
        "province_code",
        "city_code",
        "type",
        "status_before",
        "status_after",
        "reason_code",
        "effective_at",
        "recorded_at",
    }
)
STATUSES = frozenset(str(s) for s in Status)


class EntryMalformed(ValueError):
    """A log entry that is not a published feed event; the message names the entry and field."""


def _text(event: dict[str, Any], key: str, index: int, *, empty: bool = False) -> str:
    value = event[key]
    if not isinstance(value, str) or (not value and not empty) or len(value) > 64:
        raise EntryMalformed(f"entry {index}: {key} is {value!r}, not a short text")
    return value


def _instant(event: dict[str, Any], key: str, index: int) -> dt.datetime:
    value = _text(event, key, index)
    try:
        instant = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise EntryMalformed(f"entry {index}: {key} {value!r} is not a time") from error
    if instant.tzinfo is None:
        raise EntryMalformed(f"entry {index}: {key} {value!r} has no time zone")
    return instant


def parse_entry(entry: bytes, index: int) -> dict[str, Any]:
    """The feed event that is leaf ``index`` of a peer's log; raises ``EntryMalformed``."""
    try:
        event = json.loads(entry)
    except ValueError as error:
        raise EntryMalformed(f"entry {index} is not JSON") from error
    if not isinstance(event, dict) or set(event) != FEED_KEYS:
        raise EntryMalformed(f"entry {index} does not hold exactly the fields of a feed event")
    if canonical_json(event) != entry:
        raise EntryMalformed(f"entry {index} is not in canonical JSON")
    if event["sequence"] != index + 1 or isinstance(event["sequence"], bool):
        raise EntryMalformed(f"entry {index} has sequence {event['sequence']!r}, not {index + 1}")
    for key in ("certificate", "holder", "category", "province_code", "type"):
        _text(event, key, index)
    for key in ("city_code", "status_before", "reason_code"):
        _text(event, key, index, empty=True)
    if event["status_after"] not in STATUSES:
        raise EntryMalformed(f"entry {index}: status_after {event['status_after']!r} is unknown")
    _instant(event, "effective_at", index)
    _instant(event, "recorded_at", index)
    return dict(event)


def effective_at(event: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(str(event["effective_at"]).replace("Z", "+00:00"))
