"""What the witness has seen, in one shape for the regulators' page, the API and the command:
each peer's held checkpoint, this node's own latest checkpoint and who cosigned it, and the
evidence of inconsistent checkpoints."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings

from greencert.exchange import peers
from greencert.exchange.tlog import storage
from greencert.exchange.witness import submit
from greencert.exchange.witness.models import HeldCheckpoint, WitnessAlert


def _b64(value: bytes | memoryview) -> str:
    return base64.b64encode(bytes(value)).decode()


def peer_states(language: str = "zh-hans") -> list[dict[str, Any]]:
    """Every peer, with the latest checkpoint of its log this node cosigned (or None)."""
    held = {h.origin: h for h in HeldCheckpoint.objects.all()}
    counts: dict[str, int] = {}
    for origin in WitnessAlert.objects.values_list("origin", flat=True):
        counts[origin] = counts.get(origin, 0) + 1
    states = []
    for peer in peers.peers():
        checkpoint = held.get(peer.log_origin)
        states.append(
            {
                "id": peer.id,
                "name": peer.name(language),
                "origin": peer.log_origin,
                "url": peer.url,
                "held": None
                if checkpoint is None
                else {
                    "size": checkpoint.size,
                    "root_hash": _b64(checkpoint.root_hash),
                    "cosigned_at": checkpoint.cosigned_at,
                    "note": checkpoint.note,
                },
                "alerts": counts.get(peer.log_origin, 0),
            }
        )
    return states


def own_state() -> dict[str, Any] | None:
    """This node's latest checkpoint and the peers whose cosignatures on it verify."""
    checkpoint = storage.latest_checkpoint()
    if checkpoint is None:
        return None
    cosigners = submit.witnessed(checkpoint)
    quorum = int(settings.GREENCERT_WITNESS_QUORUM)
    return {
        "size": checkpoint.size,
        "root_hash": _b64(checkpoint.root_hash),
        "signed_at": checkpoint.signed_at,
        "cosigners": cosigners,
        "quorum": quorum,
        "witnessed": len(cosigners) >= quorum,
    }


def alerts(language: str = "zh-hans") -> list[dict[str, Any]]:
    """The evidence of inconsistent checkpoints, newest first, with the peer's name."""
    names = {p.id: p.name(language) for p in peers.peers()}
    return [
        {
            "peer_id": a.peer_id,
            "peer_name": names.get(a.peer_id, a.origin),
            "origin": a.origin,
            "kind": a.kind,
            "held_size": a.held_size,
            "held_note": a.held_note,
            "offered_size": a.offered_size,
            "offered_root_hash": _b64(a.offered_root_hash),
            "offered_note": a.offered_note,
            "offered_proof": a.offered_proof,
            "detected_at": a.detected_at,
        }
        for a in WitnessAlert.objects.order_by("-detected_at")
    ]


def alert_count() -> int:
    return WitnessAlert.objects.count()
