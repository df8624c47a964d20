"""Where a certificate stands in the node's transparency log, for its verify page: the log entry
of its latest event, the checkpoint that covers it and who cosigned that checkpoint."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.urls import reverse

from greencert.exchange.models import LogCheckpoint
from greencert.exchange.tlog import storage
from greencert.exchange.tlog.cosigners import Cosigner
from greencert.exchange.witness.submit import verified_cosignatures


def log_standing(
    number: str,
    history: list[dict[str, Any]],
    language: str,
    checkpoint: LogCheckpoint | None,
) -> dict[str, Any]:
    """``entry``: the log position (sequence) of the latest event; ``covered``: whether the newest
    signed checkpoint includes it (the worker signs one within about a second of a commit).

    ``checkpoint``: the newest checkpoint, as the caller read it; one read with a ``cosigned``
    count of 0 costs no further query."""
    entry = max((row["sequence"] for row in history), default=0)
    standing: dict[str, Any] = {
        "entry": entry,
        "covered": checkpoint is not None and checkpoint.size >= entry > 0,
        "proof_url": reverse("api-v1:certificate_proof", args=[number]),
        "origin": storage.origin(),
    }
    if checkpoint is not None:
        # Checked once: every cosignature the page names was verified under its pinned key.
        witnesses = []
        if getattr(checkpoint, "cosigned", None) != 0:
            witnesses = [peer for peer, _line in verified_cosignatures(checkpoint)]
        quorum = int(settings.GREENCERT_WITNESS_QUORUM)
        standing |= {
            "size": checkpoint.size,
            "signed_at": checkpoint.signed_at,
            "root_hash": base64.b64encode(bytes(checkpoint.root_hash)).decode(),
            "cosigners": [Cosigner.of_peer(peer).describe(language) for peer in witnesses],
            "cosigner_names": (", " if language.startswith("en") else "、").join(
                peer.name(language) for peer in witnesses
            ),
            "witnessed": len(witnesses) >= quorum,
            "quorum": quorum,
        }
    return standing
