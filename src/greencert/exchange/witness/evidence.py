"""Evidence of an inconsistent peer log seen anywhere on this node — by the witness endpoint or
by replication — kept in one place (``WitnessAlert``) that regulators see on ``/log/witness/``."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from greencert.exchange.peers import Peer
from greencert.exchange.tlog import note
from greencert.exchange.witness.models import WitnessAlert


def keep_alert(
    *,
    origin: str,
    peer_id: str,
    kind: str,
    held_size: int,
    held_note: str,
    offered: note.Checkpoint,
    offered_note: str,
    offered_proof: str = "",
) -> None:
    """Keep the checkpoint held and the one refused, both as signed; a refused checkpoint
    already on record is kept once."""
    try:
        with transaction.atomic():
            WitnessAlert.objects.create(
                origin=origin,
                peer_id=peer_id,
                kind=kind,
                held_size=held_size,
                held_note=held_note,
                offered_size=offered.size,
                offered_root_hash=offered.root_hash,
                offered_note=offered_note,
                offered_proof=offered_proof,
                detected_at=timezone.now(),
            )
    except IntegrityError:  # this checkpoint is already on record
        pass


def record_inconsistent_checkpoint(
    peer: Peer,
    held: note.Checkpoint,
    held_note: str,
    offered: note.Checkpoint,
    offered_note: str,
) -> None:
    """What replication saw: a smaller checkpoint than held (history rewritten) or one of the
    same size with another root (a split view)."""
    keep_alert(
        origin=peer.log_origin,
        peer_id=peer.id,
        kind=WitnessAlert.Kind.SPLIT_VIEW
        if offered.size == held.size
        else WitnessAlert.Kind.REWRITTEN,
        held_size=held.size,
        held_note=held_note,
        offered=offered,
        offered_note=offered_note,
    )
