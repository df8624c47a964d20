"""Evidence of an inconsistent peer log seen anywhere on this node — by the witness endpoint or
by replication — kept in one place (``WitnessAlert``) that regulators see on ``/log/witness/``."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from greencert.exchange.peers import Peer
from greencert.exchange.tlog import note
from greencert.exchange.witness.models import WitnessAlert


def record_inconsistent_checkpoint(
    peer: Peer,
    held: note.Checkpoint,
    held_note: str,
    offered: note.Checkpoint,
    offered_note: str,
) -> None:
    """Keep both signed checkpoints: a smaller one than held (history rewritten) or one of the
    same size with another root (a split view). A checkpoint already on record is kept once."""
    kind = (
        WitnessAlert.Kind.SPLIT_VIEW if offered.size == held.size else WitnessAlert.Kind.REWRITTEN
    )
    try:
        with transaction.atomic():
            WitnessAlert.objects.create(
                origin=peer.log_origin,
                peer_id=peer.id,
                kind=kind,
                held_size=held.size,
                held_note=held_note,
                offered_size=offered.size,
                offered_root_hash=offered.root_hash,
                offered_note=offered_note,
                offered_proof="",
                detected_at=timezone.now(),
            )
    except IntegrityError:  # this checkpoint is already on record
        pass
