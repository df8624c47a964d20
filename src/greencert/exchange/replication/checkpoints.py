"""Whether a peer's offered checkpoint may follow the one this node holds of it.

``check_checkpoint`` is the one place that decides: the offered note must carry a valid signature
under the peer's pinned log key and name the peer's origin; a checkpoint of fewer entries than the
one held, or of as many with another root, is an inconsistency — the peer's history was rewritten
or it shows different nodes different logs — and the held and offered notes are the evidence.
A larger checkpoint is only a candidate: the follower verifies it by extending the held tree with
the new entries and comparing roots.
"""

from __future__ import annotations

from dataclasses import dataclass

from greencert.exchange.peers import Peer
from greencert.exchange.tlog import note

GROWS = "grows"
SAME = "same"
INCONSISTENT = "inconsistent"


class CheckpointRefused(ValueError):
    """The offered checkpoint does not verify under the peer's pinned key, or is malformed."""


@dataclass(frozen=True)
class CheckpointCheck:
    verdict: str  # GROWS, SAME or INCONSISTENT
    offered: note.Checkpoint
    held: note.Checkpoint | None
    reason: str = ""

    @property
    def consistent(self) -> bool:
        return self.verdict != INCONSISTENT


def open_peer_checkpoint(peer: Peer, signed_note: str) -> note.Checkpoint:
    """The checkpoint of ``signed_note`` once its signature by the peer's pinned log key checks."""
    try:
        return note.open_checkpoint(signed_note, note.parse_verifier_key(peer.log_vkey))
    except note.NoteError as error:
        raise CheckpointRefused(f"checkpoint of {peer.id}: {error}") from error


def check_checkpoint(peer: Peer, held_note: str | None, offered_note: str) -> CheckpointCheck:
    """Compare the checkpoint offered by (or on behalf of) ``peer`` with the one held of it.

    Raises ``CheckpointRefused`` if the offered note does not verify; returns the verdict
    otherwise. The held note was verified when it was stored and is opened again under the same
    key, so a changed pinned key shows here too."""
    offered = open_peer_checkpoint(peer, offered_note)
    held = open_peer_checkpoint(peer, held_note) if held_note else None
    if held is None or offered.size > held.size:
        return CheckpointCheck(GROWS, offered, held)
    if offered.size < held.size:
        return CheckpointCheck(
            INCONSISTENT,
            offered,
            held,
            f"the log of {peer.id} shrank from {held.size} to {offered.size} entries",
        )
    if offered.root_hash != held.root_hash:
        return CheckpointCheck(
            INCONSISTENT,
            offered,
            held,
            f"the log of {peer.id} signed two different trees of {held.size} entries",
        )
    return CheckpointCheck(SAME, offered, held)
