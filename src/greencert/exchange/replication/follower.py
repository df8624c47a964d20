"""Following one peer's log: fetch its signed checkpoint, read the entries added since the tree
this node applied, check each is a feed event in sequence, extend the stored right edge with
their leaf hashes and require the checkpoint's root — only then store the events and update the
read-only copy of the peer's certificates.

Anything else applies nothing and records the error on the peer's ``ReplicatedLog``: a fetch that
fails, a checkpoint that does not verify under the pinned key, one smaller than the tree applied
or of the same size with another root, a malformed entry, a gap, a root that does not match. A
long catch-up is verified whole first (keeping only the leaf hashes), then fetched again and
committed in batches, each entry checked against the hash verified for its position.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from greencert.core.merkle import empty_root, leaf_hash
from greencert.exchange.peers import Peer
from greencert.exchange.replication.checkpoints import (
    INCONSISTENT,
    CheckpointRefused,
    check_checkpoint,
)
from greencert.exchange.replication.compact_range import RightEdge
from greencert.exchange.replication.entries import EntryMalformed, effective_at, parse_entry
from greencert.exchange.replication.models import ForeignCertificate, ForeignEvent, ReplicatedLog
from greencert.exchange.tlog.client import (
    EntryRefused,
    Fetch,
    FetchFailed,
    Get,
    fetch_entries,
    fetcher,
)
from greencert.exchange.tlog.cosigners import cosigners
from greencert.exchange.witness import cosignature
from greencert.exchange.witness.evidence import record_inconsistent_checkpoint
from greencert.exchange.witness.keys import witness_vkey

logger = logging.getLogger(__name__)

# Events the signed credential reflects: after one, the certificate's details are fetched again.
REFRESHING_EVENTS = frozenset({"recognised", "recognition_ended"})

# Entries committed per transaction; a catch-up up to this long is fetched once.
BATCH = 5000


class ReplicationRefused(RuntimeError):
    """What the peer served cannot be applied; the message says why."""


@dataclass(frozen=True)
class FollowResult:
    peer_id: str
    applied: int  # entries applied by this run
    size: int  # entries of the peer's log applied in all
    error: str = ""
    border_records: int = 0  # records of its border feed applied by this run
    complaints_delivered: int = 0  # complaints forwarded to it delivered by this run

    @property
    def ok(self) -> bool:
        return not self.error


def log_url(peer: Peer) -> str:
    return f"{peer.url}/log"


def replicated_log(peer: Peer) -> ReplicatedLog:
    state, _created = ReplicatedLog.objects.get_or_create(
        peer_id=peer.id,
        defaults={"origin": peer.log_origin, "root_hash": empty_root(), "right_edge": []},
    )
    return state


def _record_error(state: ReplicatedLog, message: str) -> None:
    now = timezone.now()
    ReplicatedLog.objects.filter(pk=state.pk).update(
        last_fetch_at=now, last_error=message[:2000], last_error_at=now
    )
    logger.warning("replication of %s refused: %s", state.peer_id, message)


def follow(peer: Peer, get: Get, *, batch: int = BATCH) -> FollowResult:
    """Bring this node's copy of ``peer``'s log up to its current checkpoint, or record why not."""
    state = replicated_log(peer)
    try:
        applied = _follow(peer, state, fetcher(log_url(peer), get), batch)
    except (FetchFailed, CheckpointRefused, EntryRefused, EntryMalformed, ReplicationRefused) as e:
        _record_error(state, str(e))
        state.refresh_from_db()
        return FollowResult(peer.id, 0, state.size, str(e))
    state.refresh_from_db()
    return FollowResult(peer.id, applied, state.size)


def witnesses_of(peer: Peer, offered_note: str) -> list[str]:
    """The nodes whose cosignature on the peer's checkpoint verifies under the witness key this
    node pins for them — this node's own witness included — other than the peer itself."""
    found = [
        c.peer.id
        for c in cosigners(offered_note)
        if c.verified and c.peer is not None and c.peer.id != peer.id
    ]
    text = offered_note.partition("\n\n")[0] + "\n"
    own = witness_vkey()
    for line in cosignature.signature_lines(offered_note):
        try:
            cosignature.verify_cosignature(text, line, own)
        except cosignature.CosignatureError:
            continue
        found.append(str(settings.GREENCERT_NODE_ID))
        break
    return found


def require_witnessed(peer: Peer, offered_note: str) -> None:
    """New entries are applied only under a witnessed checkpoint: cosigned by at least
    ``GREENCERT_WITNESS_QUORUM`` other nodes, each of which checked it is consistent with what it
    saw before (``GREENCERT_REPLICATE_WITNESSED_ONLY`` off: the peer's own signature suffices)."""
    if not settings.GREENCERT_REPLICATE_WITNESSED_ONLY:
        return
    quorum = int(settings.GREENCERT_WITNESS_QUORUM)
    witnesses = witnesses_of(peer, offered_note)
    if len(witnesses) < quorum:
        raise ReplicationRefused(
            f"the checkpoint of {peer.id} is cosigned by {len(witnesses)} of the {quorum} "
            f"witnesses needed ({', '.join(witnesses) or 'none'}); waiting for its witnesses"
        )


def _follow(peer: Peer, state: ReplicatedLog, fetch: Fetch, batch: int) -> int:
    if state.origin != peer.log_origin:
        raise ReplicationRefused(
            f"the peers file names origin {peer.log_origin!r} for {peer.id}, but this node "
            f"followed {state.origin!r}"
        )
    try:
        offered_note = fetch("checkpoint").decode()
    except UnicodeDecodeError as error:
        raise CheckpointRefused(f"checkpoint of {peer.id} is not UTF-8 text") from error
    check = check_checkpoint(peer, state.checkpoint_note or None, offered_note)
    if check.verdict == INCONSISTENT:
        assert check.held is not None
        # Both signed notes are kept as evidence and raise the regulators' alert.
        record_inconsistent_checkpoint(
            peer, check.held, state.checkpoint_note, check.offered, offered_note
        )
        raise ReplicationRefused(f"inconsistent checkpoint: {check.reason}")
    offered = check.offered
    now = timezone.now()
    if offered.size < state.size:  # held by a checkpoint this run did not verify against
        raise ReplicationRefused(
            f"the log of {peer.id} shrank from {state.size} to {offered.size} entries"
        )
    if offered.size > state.size:
        require_witnessed(peer, offered_note)
    edge = RightEdge.from_hex(state.size, state.right_edge)
    if offered.size == state.size:
        if edge.root() != offered.root_hash:
            raise ReplicationRefused(
                f"the checkpoint of {peer.id} at {offered.size} entries has another root than "
                f"the tree applied"
            )
        ReplicatedLog.objects.filter(pk=state.pk).update(last_fetch_at=now, last_error="")
        return 0
    start = state.size
    # First pass: verify the whole range against the checkpoint, keeping the leaf hashes (and
    # the entries, when they fit one batch).
    hashes: list[bytes] = []
    kept: list[tuple[bytes, dict[str, Any]]] = []
    verified = edge.copy()
    for index, entry in fetch_entries(fetch, start, offered.size):
        event = parse_entry(entry, index)
        hashed = leaf_hash(entry)
        verified.append(hashed)
        hashes.append(hashed)
        if offered.size - start <= batch:
            kept.append((entry, event))
    if verified.root() != offered.root_hash:
        raise ReplicationRefused(
            f"the entries {start + 1}..{offered.size} of {peer.id} do not hash to its "
            f"checkpoint's root: the log is not an extension of the tree applied"
        )
    source = iter(kept) if kept else _refetched(fetch, start, offered.size, hashes)
    applied = 0
    while applied < len(hashes):
        chunk = [next(source) for _ in range(min(batch, len(hashes) - applied))]
        for entry, _event in chunk:
            edge.append(leaf_hash(entry))
        _apply(peer, state, start + applied, chunk, edge, offered_note, offered.size, now)
        applied += len(chunk)
    return applied


def _refetched(
    fetch: Fetch, start: int, end: int, hashes: list[bytes]
) -> Iterator[tuple[bytes, dict[str, Any]]]:
    for index, entry in fetch_entries(fetch, start, end):
        if leaf_hash(entry) != hashes[index - start]:
            raise ReplicationRefused(
                f"entry {index} changed between two reads of the same checkpoint's entries"
            )
        yield entry, parse_entry(entry, index)


def _apply(
    peer: Peer,
    state: ReplicatedLog,
    start: int,
    chunk: list[tuple[bytes, dict[str, Any]]],
    edge: RightEdge,
    offered_note: str,
    offered_size: int,
    now: Any,
) -> None:
    """Store one verified batch and move the applied tree to its end, in one transaction."""
    with transaction.atomic():
        moved = ReplicatedLog.objects.filter(pk=state.pk, size=start).update(
            size=edge.size,
            root_hash=edge.root(),
            right_edge=edge.hex(),
            checkpoint_note=offered_note,
            checkpoint_size=offered_size,
            verified_at=now,
            last_fetch_at=now,
            last_error="",
        )
        if not moved:
            raise ReplicationRefused(
                f"another run applied entries of {peer.id} meanwhile; this one stops"
            )
        ForeignEvent.objects.bulk_create(
            ForeignEvent(
                peer_id=peer.id,
                sequence=event["sequence"],
                certificate_number=event["certificate"],
                leaf=entry.decode(),
            )
            for entry, event in chunk
        )
        _project(peer, [event for _entry, event in chunk])


def _project(peer: Peer, events: list[dict[str, Any]]) -> None:
    """Bring the foreign certificates these events concern to the state the last of them states.
    Events about certificates of another province are kept in the log copy but not shown: the
    node of that province is authoritative for them."""
    own = [e for e in events if str(e["province_code"])[:2] == peer.province_code[:2]]
    numbers = {str(e["certificate"]) for e in own}
    found = {c.number: c for c in ForeignCertificate.objects.filter(number__in=numbers)}
    created: dict[str, ForeignCertificate] = {}
    for event in own:
        number = str(event["certificate"])
        certificate = found.get(number) or created.get(number)
        if certificate is None:
            certificate = created[number] = ForeignCertificate(number=number, peer_id=peer.id)
        elif certificate.peer_id != peer.id:
            raise ReplicationRefused(
                f"certificate {number} in the log of {peer.id} is already held from "
                f"{certificate.peer_id}"
            )
        if certificate.status != event["status_after"]:
            certificate.status_since = effective_at(event)
        certificate.status = event["status_after"]
        certificate.reason_code = event["reason_code"]
        certificate.holder_credit_code = event["holder"]
        certificate.category_code = event["category"]
        certificate.province_code = event["province_code"]
        certificate.city_code = event["city_code"]
        certificate.last_sequence = event["sequence"]
        if event["type"] in REFRESHING_EVENTS:
            certificate.details_refresh = True
            certificate.details_fetched_at = None  # fetched next run, not after the retry wait
    ForeignCertificate.objects.bulk_create(created.values())
    fields = [
        "status",
        "reason_code",
        "holder_credit_code",
        "category_code",
        "province_code",
        "city_code",
        "last_sequence",
        "status_since",
        "details_refresh",
        "details_fetched_at",
    ]
    changed = [c for c in found.values() if c.number in numbers]
    if changed:
        ForeignCertificate.objects.bulk_update(changed, fields)
