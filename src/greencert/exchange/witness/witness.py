"""The witness side of C2SP tlog-witness: ``add-checkpoint`` checks a peer's new checkpoint
against the latest one this node cosigned of that log and cosigns it when it is consistent.

Known logs are the peers (``exchange.peers``), each by its origin and under its pinned log key.
The held checkpoint only moves forward: it is replaced by a conditional ``UPDATE … WHERE size =
<old> AND root_hash = <old root>`` (or created by an insert that a unique origin guards), so of
two submissions at once the one that lost the race answers 409 with the size now held, and none
moves the held checkpoint back or past an unchecked proof, on either engine. A checkpoint that
contradicts the held one (a consistency proof that fails, or the same size with another root) is
refused and both signed notes are kept as a ``WitnessAlert``.
"""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from greencert.exchange import peers
from greencert.exchange.tlog import note, proofs
from greencert.exchange.witness import cosignature, keys
from greencert.exchange.witness.evidence import keep_alert
from greencert.exchange.witness.models import HeldCheckpoint, WitnessAlert

MAX_BODY = 64 * 1024
MAX_PROOF_LINES = 63
SIZE_TYPE = "text/x.tlog.size"
TEXT_TYPE = "text/plain; charset=utf-8"
_OLD = re.compile(r"old (0|[1-9]\d*)")


@dataclass(frozen=True)
class Answer:
    """The HTTP answer to an add-checkpoint request."""

    status: int
    body: str
    content_type: str = TEXT_TYPE


def _refuse(status: int, zh: str, en: str) -> Answer:
    """A refusal in Chinese and English, one line, for the log's operator to read."""
    return Answer(status, f"{zh} / {en}\n")


@dataclass(frozen=True)
class Submission:
    old_size: int
    proof: list[bytes]
    proof_text: str
    note: str


class Malformed(ValueError):
    """A request that is not an add-checkpoint request; says what is wrong in zh and en."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def parse_request(body: bytes) -> Submission:
    if len(body) > MAX_BODY:
        raise Malformed(f"请求超过 {MAX_BODY} 字节", f"the request is over {MAX_BODY} bytes")
    try:
        text = body.decode()
    except UnicodeDecodeError as error:
        raise Malformed("请求不是 UTF-8 文本", "the request is not UTF-8") from error
    head, sep, signed = text.partition("\n\n")
    if not sep:
        raise Malformed(
            "旧树大小与证明行之后、检查点之前应有一个空行",
            "no blank line between the old size and proof lines and the checkpoint",
        )
    lines = head.split("\n")
    match = _OLD.fullmatch(lines[0])
    if match is None:
        raise Malformed(
            f"第一行 {lines[0]!r} 应为“old <树大小>”",
            f"the first line {lines[0]!r} is not 'old <size>'",
        )
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise Malformed(
            f"一致性证明有 {len(lines) - 1} 行，至多 {MAX_PROOF_LINES} 行",
            f"{len(lines) - 1} consistency proof lines; at most {MAX_PROOF_LINES}",
        )
    proof = []
    for line in lines[1:]:
        try:
            value = base64.b64decode(line, validate=True)
        except ValueError:
            value = b""
        if len(value) != 32:
            raise Malformed(
                f"证明行 {line!r} 应为 base64 编码的 SHA-256 哈希",
                f"the proof line {line!r} is not a base64 SHA-256 hash",
            )
        proof.append(value)
    return Submission(int(match.group(1)), proof, head + "\n", signed)


def _text_of(signed: str) -> note.Checkpoint:
    text, sep, _signatures = signed.partition("\n\n")
    if not sep:
        raise Malformed(
            "检查点签名行之前应有一个空行",
            "the checkpoint note has no blank line before its signatures",
        )
    try:
        return note.parse_checkpoint(text + "\n")
    except note.NoteError as error:
        raise Malformed(f"检查点格式有误：{error}", str(error)) from error


def _alert(
    held: HeldCheckpoint, submission: Submission, offered: note.Checkpoint, kind: str
) -> None:
    keep_alert(
        origin=held.origin,
        peer_id=held.peer_id,
        kind=kind,
        held_size=held.size,
        held_note=held.note,
        offered=offered,
        offered_note=submission.note,
        offered_proof=submission.proof_text,
    )


def _cosign(checkpoint: note.Checkpoint) -> str:
    key = keys.ensure_witness_key()
    return cosignature.cosign(
        checkpoint.text(), key.name, keys.private_key(key.private_key_pem), int(time.time())
    )


def _conflict(size: int) -> Answer:
    return Answer(409, f"{size}\n", SIZE_TYPE)


def add_checkpoint(body: bytes) -> Answer:
    try:
        submission = parse_request(body)
        offered = _text_of(submission.note)
    except Malformed as error:
        return _refuse(
            400,
            f"add-checkpoint 请求格式有误：{error.zh}",
            f"malformed add-checkpoint request: {error.en}",
        )
    peer = peers.by_origin(offered.origin)
    if peer is None:
        return _refuse(
            404,
            f"日志来源 {offered.origin!r} 不是已知节点的日志",
            f"unknown log origin {offered.origin!r}",
        )
    try:
        checkpoint = note.open_checkpoint(submission.note, note.parse_verifier_key(peer.log_vkey))
    except note.NoteError as error:
        return _refuse(
            403,
            f"检查点没有 {offered.origin} 已登记密钥的有效签名：{error}",
            f"no valid signature by the key known for {offered.origin}: {error}",
        )
    if submission.old_size > checkpoint.size:
        return _refuse(
            400,
            f"旧树大小 {submission.old_size} 大于检查点的树大小 {checkpoint.size}",
            f"old size {submission.old_size} is above the checkpoint's {checkpoint.size}",
        )
    with transaction.atomic():
        return _check_and_hold(peer, submission, checkpoint)


def _check_and_hold(
    peer: peers.Peer, submission: Submission, checkpoint: note.Checkpoint
) -> Answer:
    held = HeldCheckpoint.objects.filter(origin=checkpoint.origin).first()
    held_size = held.size if held else 0
    if submission.old_size != held_size:
        return _conflict(held_size)
    if held is None:
        if submission.proof:
            return _refuse(
                422,
                "自树大小 0 起的一致性证明应为空",
                "the consistency proof from size 0 must be empty",
            )
        try:
            with transaction.atomic():
                HeldCheckpoint.objects.create(
                    origin=checkpoint.origin,
                    peer_id=peer.id,
                    size=checkpoint.size,
                    root_hash=checkpoint.root_hash,
                    note=submission.note,
                    cosigned_at=timezone.now(),
                )
        except IntegrityError:  # another submission held a first checkpoint meanwhile
            return _conflict(HeldCheckpoint.objects.get(origin=checkpoint.origin).size)
        return Answer(200, _cosign(checkpoint))
    held_root = bytes(held.root_hash)
    if checkpoint.size == held.size:
        if checkpoint.root_hash != held_root:
            _alert(held, submission, checkpoint, WitnessAlert.Kind.SPLIT_VIEW)
            return _conflict(held.size)
        if submission.proof:
            return _refuse(
                422,
                "相同树大小之间的一致性证明应为空",
                "the consistency proof between equal sizes must be empty",
            )
    elif not proofs.verify_consistency(
        held.size, checkpoint.size, submission.proof, held_root, checkpoint.root_hash
    ):
        _alert(held, submission, checkpoint, WitnessAlert.Kind.REWRITTEN)
        return _refuse(
            422,
            f"自树大小 {held.size} 至 {checkpoint.size} 的一致性证明不成立",
            f"the consistency proof from size {held.size} to {checkpoint.size} does not verify",
        )
    moved = HeldCheckpoint.objects.filter(pk=held.pk, size=held.size, root_hash=held_root).update(
        peer_id=peer.id,
        size=checkpoint.size,
        root_hash=checkpoint.root_hash,
        note=submission.note,
        cosigned_at=timezone.now(),
    )
    if not moved:  # another submission moved it first
        return _conflict(HeldCheckpoint.objects.get(pk=held.pk).size)
    return Answer(200, _cosign(checkpoint))
