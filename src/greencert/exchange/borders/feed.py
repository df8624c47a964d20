"""This node's border feed (边界记录): the blacklist listings and removals of its own regulators, for
the other provincial nodes to apply, served at ``/borders/feed``.

Each record is a C2SP signed note under the node's log key (the key its checkpoints carry, which
the peers pin); its text is four lines::

    <log origin>#borders
    <sequence, from 1, gapless>
    <SHA-256 hex of the previous record's text; of the empty string for the first>
    <the record, canonical JSON>

so a follower that checks the signature, the sequence and the previous hash applies the feed in
order, once, and notices a record removed, changed or reordered. The feed carries only what the
public blacklist shows; nothing in it is about complainants.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from greencert.core.canonical import canonical_json
from greencert.exchange.borders.models import BorderRecord
from greencert.exchange.tlog import note
from greencert.exchange.tlog.storage import _private_key, ensure_log_key, origin
from greencert.supervision.border_listings import LISTED, REMOVED, listing_record, removal_record
from greencert.supervision.models import BlacklistEntry

SUFFIX = "#borders"
EMPTY_HEAD = hashlib.sha256(b"").hexdigest()
# Records served per request at most.
PAGE = 200
LOCK_KEY = 0x6772_6E62  # "grnb": one publisher at a time on PostgreSQL


class RecordRefused(ValueError):
    """A border record that does not verify or does not follow the one applied before it."""


def feed_name(log_origin: str) -> str:
    return f"{log_origin}{SUFFIX}"


def record_text(name: str, sequence: int, previous: str, body: dict[str, Any]) -> str:
    return f"{name}\n{sequence}\n{previous}\n{canonical_json(body).decode()}\n"


def head_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class OpenedRecord:
    sequence: int
    text: str
    body: dict[str, Any]


def open_record(
    signed: str, verifier: note.Verifier, *, sequence: int, previous: str
) -> OpenedRecord:
    """The record ``signed`` holds once its signature by ``verifier`` checks and it is record
    ``sequence`` of that key's feed, following the record whose text hashes to ``previous``."""
    try:
        text = note.open_note(signed, verifier)
    except note.NoteError as error:
        raise RecordRefused(f"border record {sequence}: {error}") from error
    lines = text.split("\n")
    if len(lines) != 5 or lines[4] != "":
        raise RecordRefused(f"border record {sequence} does not have four lines")
    name, number, before, body_text = lines[:4]
    if name != feed_name(verifier.name):
        raise RecordRefused(f"border record {sequence} names feed {name!r}, not this peer's")
    if number != str(sequence):
        raise RecordRefused(f"border record {number!r} came where record {sequence} was due")
    if before != previous:
        raise RecordRefused(
            f"border record {sequence} does not follow the record applied before it: the feed "
            "was rewritten"
        )
    try:
        body = json.loads(body_text)
    except ValueError as error:
        raise RecordRefused(f"border record {sequence} is not JSON") from error
    if not isinstance(body, dict) or canonical_json(body).decode() != body_text:
        raise RecordRefused(f"border record {sequence} is not an object in canonical JSON")
    return OpenedRecord(sequence, text, body)


def _text_of(signed: str) -> str:
    return signed.rpartition("\n\n")[0] + "\n"


def _pending() -> list[tuple[str, BlacklistEntry, Callable[[BlacklistEntry], dict[str, Any]]]]:
    own = BlacklistEntry.objects.filter(origin_node="").select_related("enterprise", "body")
    published = BorderRecord.objects.values("subject_id")
    listed = own.exclude(pk__in=Subquery(published.filter(kind=LISTED))).order_by("pk")
    removed = (
        own.filter(removed_at__isnull=False)
        .exclude(pk__in=Subquery(published.filter(kind=REMOVED)))
        .order_by("removed_at", "pk")
    )
    return [(LISTED, e, listing_record) for e in listed] + [
        (REMOVED, e, removal_record) for e in removed
    ]


def publish_pending() -> int:
    """Append to the feed this node's listings and removals not yet in it; returns how many."""
    if not _pending():
        return 0
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            pending = _pending()
            last = BorderRecord.objects.order_by("-sequence").first()
            sequence = last.sequence if last else 0
            previous = head_of(_text_of(last.note)) if last else EMPTY_HEAD
            key = ensure_log_key()
            private = _private_key(key.private_key_pem)
            name = feed_name(key.name)
            now = timezone.now()
            for kind, entry, describe in pending:
                sequence += 1
                text = record_text(name, sequence, previous, describe(entry))
                BorderRecord.objects.create(
                    sequence=sequence,
                    kind=kind,
                    subject_id=entry.pk,
                    note=note.sign_note(text, key.name, private),
                    recorded_at=now,
                )
                previous = head_of(text)
            return len(pending)
    except IntegrityError:  # another process published them first
        return 0


def page(after: int, limit: int = PAGE) -> dict[str, Any]:
    """The records after ``after`` (at most ``limit``), as ``/borders/feed`` serves them."""
    publish_pending()
    records = BorderRecord.objects.filter(sequence__gt=after).order_by("sequence")[:limit]
    last = BorderRecord.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    return {
        "feed": feed_name(origin()),
        "size": last or 0,
        "records": [{"sequence": r.sequence, "note": r.note} for r in records],
    }
