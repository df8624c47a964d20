"""The inclusion proof a credential or receipt carries (``marks.log_evidence``), made from the
node's log and checked offline: the checkpoint's signature under the log's verifier key, and the
leaf's RFC 6962 inclusion in the checkpoint's tree."""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace
from typing import Any

from django.urls import reverse

from greencert.certification.lifecycle.tree_head import event_leaf, feed_events, feed_time
from greencert.core.merkle import leaf_hash
from greencert.exchange import peers
from greencert.exchange.tlog import note, proofs, storage
from greencert.exchange.tlog.cosigners import cosigners
from greencert.exchange.witness.submit import cosigned_note
from greencert.marks.identity import absolute
from greencert.marks.log_evidence import EVIDENCE_TYPE, TreeCheck, leaf_event


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def covering_checkpoint(sequence: int) -> Any:
    """The newest checkpoint, once it covers the event with ``sequence``: the log is caught up
    first when the worker has not logged that event yet (it runs just after the commit)."""
    checkpoint = storage.latest_checkpoint()
    if checkpoint is None or checkpoint.size < sequence:
        storage.catch_up()
        checkpoint = storage.latest_checkpoint()
    if checkpoint is None or checkpoint.size < sequence:
        raise LookupError(f"event {sequence} is not in the event log")
    return checkpoint


def prove_event(sequence: int) -> dict[str, Any]:
    """The evidence entry for the event with ``sequence`` against the newest checkpoint."""
    checkpoint = covering_checkpoint(sequence)
    size, index = checkpoint.size, sequence - 1
    event = next(feed_events(sequence, sequence))

    def prove(get: proofs.HashAt) -> list[bytes]:
        return proofs.inclusion_proof(get, index, size)

    path = prove(storage.reader(proofs.needed(prove)))
    return {
        "type": [EVIDENCE_TYPE],
        "id": absolute(reverse("api-v1:certificate_proof", args=[event["certificate"]])),
        # As /log/checkpoint serves it: the log's signature and the verified cosignatures.
        "checkpoint": cosigned_note(checkpoint),
        "checkpointSignedAt": feed_time(checkpoint.signed_at),
        "leafIndex": index,
        "leaf": event_leaf(event).decode(),
        "inclusionProof": [_b64(h) for h in path],
    }


def _verifier(origin: str, log_keys: list[str]) -> note.Verifier | None:
    """The key named after the checkpoint's origin: one given, else a peer's pinned log key."""
    candidates = [*log_keys, *(p.log_vkey for p in peers.peers() if p.log_origin == origin)]
    for vkey in candidates:
        if vkey.split("+", 1)[0] == origin:
            return note.parse_verifier_key(vkey)
    return None


def check_evidence(entry: dict[str, Any], log_keys: list[str]) -> TreeCheck:
    """Check a carried proof without the network."""
    problems: list[tuple[str, str]] = []
    text = entry.get("checkpoint")
    try:
        if not isinstance(text, str):
            raise note.NoteError("no checkpoint note")
        body = text.rpartition("\n\n")[0] + "\n"
        unsigned = note.parse_checkpoint(body)
    except note.NoteError as error:
        return TreeCheck(
            problems=[
                (f"检查点无法读取：{error}", f"the checkpoint cannot be read: {error}"),
            ]
        )
    leaf, event = entry.get("leaf"), leaf_event(entry)
    tree = TreeCheck(
        origin=unsigned.origin,
        size=unsigned.size,
        root_hash=_b64(unsigned.root_hash),
        signed_at=str(entry.get("checkpointSignedAt") or ""),
        leaf=event,
        cosigners=[c.describe("zh-hans") + " / " + c.describe("en") for c in cosigners(text)],
    )
    try:
        verifier = _verifier(unsigned.origin, log_keys)
    except note.NoteError as error:
        return replace(
            tree,
            problems=[
                (f"日志验证密钥无效：{error}", f"the log verifier key is not valid: {error}")
            ],
        )
    if verifier is None and log_keys:
        names = ", ".join(sorted({k.split("+", 1)[0] for k in log_keys}))
        return replace(
            tree,
            problems=[
                (
                    f"检查点属于日志 {unsigned.origin}，而给出的验证密钥属于 {names}",
                    f"the checkpoint is of log {unsigned.origin}; the verifier keys given are "
                    f"for {names}",
                )
            ],
        )
    if verifier is None:
        return replace(tree, key_missing=True)
    try:
        checkpoint = note.open_checkpoint(text, verifier)
    except note.NoteError as error:
        return replace(
            tree,
            problems=[
                (
                    f"检查点签名不成立：不是日志 {unsigned.origin} 的密钥所签（{error}）",
                    f"the checkpoint's signature does not verify under the key of log "
                    f"{unsigned.origin} ({error})",
                )
            ],
        )
    signer = f"{verifier.name}+{verifier.key_id.hex()}"
    try:
        index = int(entry["leafIndex"])
        path = [base64.b64decode(h, validate=True) for h in entry["inclusionProof"]]
        digest = leaf_hash(str(leaf).encode())
    except (KeyError, TypeError, ValueError, binascii.Error):
        problems.append(
            (
                "包含证明格式不对：应有 leafIndex、leaf 和 base64 编码的 inclusionProof",
                "the inclusion proof is malformed: expected leafIndex, leaf and base64 "
                "inclusionProof hashes",
            )
        )
    else:
        if not isinstance(leaf, str) or not proofs.verify_inclusion(
            digest, index, checkpoint.size, path, checkpoint.root_hash
        ):
            problems.append(
                (
                    f"包含证明不成立：第 {index} 号叶子不在该检查点（{checkpoint.size} 条记录）的树中，"
                    "证明或记录已被改动",
                    f"the inclusion proof fails: leaf {index} is not in the checkpoint's tree of "
                    f"{checkpoint.size} entries; the proof or the leaf has been altered",
                )
            )
        elif event is None or event.get("sequence") != index + 1:
            problems.append(
                (
                    f"叶子不是第 {index + 1} 号事件的记录",
                    f"the leaf is not the record of event {index + 1}",
                )
            )
    return replace(tree, signer=signer, problems=problems)
