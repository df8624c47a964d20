"""The log side of C2SP tlog-witness: submit this node's latest checkpoint to every peer's
witness with a consistency proof from the size that witness last cosigned, verify each
cosignature under the peer's pinned witness key and keep it (``LogCosignature``), so that
``/log/checkpoint`` carries them after the log's own signature.

A witness that is down or answers nonsense costs one short timeout and is tried again in the
next round; nothing here ever fails the log itself.
"""

from __future__ import annotations

import base64
import http.client
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from greencert.exchange import peers
from greencert.exchange.models import LogCheckpoint
from greencert.exchange.tlog import note, proofs, storage
from greencert.exchange.witness import cosignature
from greencert.exchange.witness.models import LogCosignature

logger = logging.getLogger(__name__)

SIZE_TYPE = "text/x.tlog.size"
# A 409 names the size the witness holds; a log that raced with itself needs one more try.
ATTEMPTS = 3


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes


Post = Callable[[str, bytes, float], Reply]


class WitnessUnreachable(RuntimeError):
    """The witness could not be reached or did not answer in time."""


def http_post(url: str, body: bytes, timeout: float) -> Reply:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.headers.get("Content-Type", ""), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers.get("Content-Type", ""), error.read())
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise WitnessUnreachable(f"{url}: {error}") from error


def witness_url(peer: peers.Peer) -> str:
    return f"{peer.url}/witness/add-checkpoint"


def request_body(old_size: int, checkpoint: LogCheckpoint) -> bytes:
    """``old N``, the consistency proof from size N to the checkpoint, a blank line, the note."""
    size = checkpoint.size

    def prove(get: proofs.HashAt) -> list[bytes]:
        return proofs.consistency_proof(get, old_size, size)

    proof = prove(storage.reader(proofs.needed(prove)))
    lines = [f"old {old_size}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + checkpoint.note).encode()


def last_cosigned_size(peer: peers.Peer, up_to: int) -> int:
    found = LogCosignature.objects.filter(peer_id=peer.id, checkpoint__size__lte=up_to).aggregate(
        size=Max("checkpoint__size")
    )["size"]
    return int(found or 0)


def checkpoint_text(checkpoint: LogCheckpoint) -> str:
    return note.parse_checkpoint(checkpoint.note.partition("\n\n")[0] + "\n").text()


def _keep(peer: peers.Peer, checkpoint: LogCheckpoint, reply: Reply) -> LogCosignature | None:
    cosigner = cosignature.parse_cosigner_vkey(peer.witness_vkey)
    text = checkpoint_text(checkpoint)
    for line in cosignature.signature_lines(reply.body.decode(errors="replace")):
        try:
            timestamp = cosignature.verify_cosignature(text, line, cosigner)
        except cosignature.CosignatureError:
            continue  # another key of the witness's, or not a cosignature: ignored
        try:
            with transaction.atomic():
                return LogCosignature.objects.create(
                    checkpoint=checkpoint,
                    peer_id=peer.id,
                    signature=line,
                    timestamp=timestamp,
                    received_at=timezone.now(),
                )
        except IntegrityError:
            return LogCosignature.objects.get(checkpoint=checkpoint, peer_id=peer.id)
    return None


def submit_to(
    peer: peers.Peer, checkpoint: LogCheckpoint, post: Post = http_post
) -> LogCosignature | None:
    """Ask ``peer``'s witness to cosign ``checkpoint``; the verified cosignature, or None when
    the witness refused it or answered with no cosignature by its pinned key."""
    if not peer.witness_vkey:
        return None
    done = LogCosignature.objects.filter(checkpoint=checkpoint, peer_id=peer.id).first()
    if done is not None:
        return done
    old = last_cosigned_size(peer, checkpoint.size)
    timeout = float(settings.GREENCERT_WITNESS_TIMEOUT)
    for _attempt in range(ATTEMPTS):
        reply = post(witness_url(peer), request_body(old, checkpoint), timeout)
        if reply.status == 200:
            kept = _keep(peer, checkpoint, reply)
            if kept is None:
                logger.warning("witness %s answered without a cosignature by its key", peer.id)
            return kept
        if reply.status == 409 and reply.content_type.startswith(SIZE_TYPE):
            try:
                held = int(reply.body.decode().strip())
            except ValueError:
                break
            if held == old or held > checkpoint.size:
                break
            old = held
            continue
        break
    logger.warning(
        "witness %s refused checkpoint %d: %s %s",
        peer.id,
        checkpoint.size,
        reply.status,
        reply.body[:200].decode(errors="replace").strip(),
    )
    return None


def submit_latest(post: Post | None = None) -> dict[str, bool]:
    """Submit the latest checkpoint to every peer with a witness key; for each, whether it now
    carries that peer's cosignature. Unreachable witnesses are left for the next round."""
    post = post or http_post
    checkpoint = storage.latest_checkpoint()
    if checkpoint is None:
        return {}
    results: dict[str, bool] = {}
    for peer in peers.peers():
        if not peer.witness_vkey:
            continue
        try:
            results[peer.id] = submit_to(peer, checkpoint, post) is not None
        except (WitnessUnreachable, cosignature.CosignatureError, UnicodeDecodeError) as error:
            logger.warning("witness %s not reached: %s", peer.id, error)
            results[peer.id] = False
    return results


def verified_cosignatures(checkpoint: LogCheckpoint) -> list[tuple[peers.Peer, str]]:
    """Each stored cosignature line on ``checkpoint`` that verifies under its peer's pinned
    witness key, with the peer (one query)."""
    text = checkpoint_text(checkpoint)
    stored = {c.peer_id: c.signature for c in checkpoint.cosignatures.all()}
    found = []
    for peer in peers.peers():
        line = stored.get(peer.id)
        if line is None or not peer.witness_vkey:
            continue
        try:
            cosignature.verify_cosignature(text, line, peer.witness_vkey)
        except cosignature.CosignatureError:
            continue
        found.append((peer, line))
    return found


def witnessed(checkpoint: LogCheckpoint) -> list[peers.Peer]:
    """The peers whose cosignature on ``checkpoint`` verifies under their pinned witness key."""
    return [peer for peer, _line in verified_cosignatures(checkpoint)]


def is_witnessed(checkpoint: LogCheckpoint) -> bool:
    return len(witnessed(checkpoint)) >= int(settings.GREENCERT_WITNESS_QUORUM)


def cosigned_note(checkpoint: LogCheckpoint) -> str:
    """The checkpoint's note with the verified cosignatures appended after the log's signature."""
    return checkpoint.note + "".join(line for _peer, line in verified_cosignatures(checkpoint))
