"""Following a peer's border feed: fetch the records after the last one applied, check each under
the peer's pinned log key, its sequence and the hash of the one before, and apply it in the same
transaction that moves the follower on — once per (peer, sequence). The first record that does
not verify, or cannot be applied, stops the run; it is recorded on ``BorderFollow`` and tried
again next round. Nothing unverified is ever applied."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from greencert.core.errors import UserFacingError
from greencert.exchange.borders.feed import EMPTY_HEAD, RecordRefused, head_of, open_record
from greencert.exchange.borders.models import AppliedBorderRecord, BorderFollow
from greencert.exchange.peers import Peer
from greencert.exchange.tlog import note
from greencert.exchange.tlog.client import FetchFailed, Get
from greencert.supervision.border_listings import (
    LISTED,
    REMOVED,
    apply_foreign_listing,
    apply_foreign_removal,
)

logger = logging.getLogger(__name__)

# Pages fetched per run at most; a longer feed is finished next round.
MAX_PAGES = 50

APPLY = {LISTED: apply_foreign_listing, REMOVED: apply_foreign_removal}


@dataclass(frozen=True)
class BorderResult:
    peer_id: str
    applied: int
    size: int
    error: str = ""


def feed_url(peer: Peer, after: int) -> str:
    return f"{peer.url}/borders/feed?after={after}"


def _page(peer: Peer, get: Get, after: int) -> list[dict[str, Any]]:
    try:
        data = json.loads(get(feed_url(peer, after)))
    except ValueError as error:
        raise RecordRefused(f"the border feed of {peer.id} is not JSON") from error
    records = data.get("records") if isinstance(data, dict) else None
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and isinstance(r.get("note"), str) for r in records
    ):
        raise RecordRefused(f"the border feed of {peer.id} does not list signed records")
    return records


def _apply(peer: Peer, state: BorderFollow, signed: str, record: Any) -> None:
    kind = record.body.get("kind")
    if kind not in APPLY:
        raise RecordRefused(f"border record {record.sequence} is of unknown kind {kind!r}")
    with transaction.atomic():
        moved = BorderFollow.objects.filter(pk=state.pk, size=record.sequence - 1).update(
            size=record.sequence,
            head=head_of(record.text),
            last_fetch_at=timezone.now(),
            last_error="",
        )
        if not moved:
            raise RecordRefused(f"another run applied border records of {peer.id} meanwhile")
        AppliedBorderRecord.objects.create(
            peer_id=peer.id,
            sequence=record.sequence,
            kind=kind,
            note=signed,
            applied_at=timezone.now(),
        )
        APPLY[kind](peer.id, record.body)


def follow_borders(peer: Peer, get: Get) -> BorderResult:
    """Apply the peer's border records this node has not applied yet, or record why not."""
    state, _ = BorderFollow.objects.get_or_create(peer_id=peer.id)
    verifier = note.parse_verifier_key(peer.log_vkey)
    applied = 0
    try:
        for _ in range(MAX_PAGES):
            records = _page(peer, get, state.size)
            if not records:
                break
            for item in records:
                record = open_record(
                    item["note"],
                    verifier,
                    sequence=state.size + 1,
                    previous=state.head or EMPTY_HEAD,
                )
                _apply(peer, state, item["note"], record)
                state.refresh_from_db()
                applied += 1
    except (
        FetchFailed,
        RecordRefused,
        UserFacingError,
        IntegrityError,
        KeyError,
        ValueError,
    ) as error:
        message = f"border feed: {error}"
        now = timezone.now()
        BorderFollow.objects.filter(pk=state.pk).update(
            last_fetch_at=now, last_error=message[:2000], last_error_at=now
        )
        logger.warning("border feed of %s refused: %s", peer.id, error)
        return BorderResult(peer.id, applied, state.size, message)
    BorderFollow.objects.filter(pk=state.pk).update(last_fetch_at=timezone.now(), last_error="")
    return BorderResult(peer.id, applied, state.size)
