"""Auditing a node's transparency log over HTTP, as any outsider can: the signed checkpoint, every
hash tile and entry bundle it covers, every entry rehashed, the gapless sequence, the tree head,
and consistency with a checkpoint saved earlier (an RFC 6962 consistency proof from the tiles)."""

from __future__ import annotations

from dataclasses import dataclass, field

from greencert.core.merkle import leaf_hash, node_hash, root_from_leaf_hashes
from greencert.exchange.tlog import note, proofs
from greencert.exchange.tlog.client import (
    Fetch,
    FetchFailed,
    entry_sequence,
    fetch_checkpoint,
    http_fetcher,
)
from greencert.exchange.tlog.tiles import (
    HEIGHT,
    WIDTH,
    decode_bundle,
    entry_bundles_for_size,
    split_hashes,
    tiles_for_size,
)

__all__ = ["AuditReport", "Fetch", "FetchFailed", "audit", "http_fetcher"]


@dataclass
class AuditReport:
    size: int = 0
    checkpoint_note: str = ""
    checked: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _levels_from_leaves(leaves: list[bytes]) -> list[list[bytes]]:
    """Every complete subtree's hash, level by level (level k: subtrees of 2**k leaves)."""
    levels = [leaves]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
    return levels


def audit(
    fetch: Fetch, verifier_key: str, since: str | None = None, report: AuditReport | None = None
) -> AuditReport:
    report = report or AuditReport()
    try:
        verifier = note.parse_verifier_key(verifier_key)
        report.checkpoint_note, checkpoint = fetch_checkpoint(fetch, verifier)
    except (note.NoteError, FetchFailed) as error:
        report.failures.append(f"checkpoint: {error}")
        return report
    report.size = size = checkpoint.size
    report.checked.append(f"checkpoint of {size} entries signed by {verifier.name}")

    leaves: list[bytes] = []
    for bundle in entry_bundles_for_size(size):
        path = bundle.path()
        try:
            entries = decode_bundle(fetch(path))
        except (ValueError, FetchFailed) as error:
            report.failures.append(f"{path}: {error}")
            return report
        if len(entries) != bundle.width:
            report.failures.append(f"{path}: {len(entries)} entries where {bundle.width} belong")
            return report
        for offset, entry in enumerate(entries):
            index = bundle.index * WIDTH + offset
            sequence = entry_sequence(entry)
            if sequence != index + 1:
                report.failures.append(
                    f"{path}: entry {index} has sequence {sequence!r} where {index + 1} belongs"
                )
            leaves.append(leaf_hash(entry))
    report.checked.append(f"{size} entries rehashed, sequence 1..{size} without a gap")

    levels = _levels_from_leaves(leaves)
    tiles = tiles_for_size(size)
    for tile in tiles:
        path = tile.path()
        assert tile.level is not None
        height = HEIGHT * tile.level
        start = tile.index * WIDTH
        expected = levels[height][start : start + tile.width] if height < len(levels) else []
        try:
            served = split_hashes(fetch(path))
        except (ValueError, FetchFailed) as error:
            report.failures.append(f"{path}: {error}")
            continue
        if len(served) != tile.width:
            report.failures.append(f"{path}: {len(served)} hashes where {tile.width} belong")
            continue
        for offset, (mine, theirs) in enumerate(zip(expected, served, strict=True)):
            if mine != theirs:
                report.failures.append(
                    f"{path}: hash {offset} is not the hash of the served entries below it"
                )
                break
    report.checked.append(f"{len(tiles)} hash tiles match the entries")

    root = root_from_leaf_hashes(leaves)
    if root != checkpoint.root_hash:
        report.failures.append("tree head: the entries' root hash is not the checkpoint's")
    else:
        report.checked.append("tree head: the entries hash to the checkpoint's root")

    if since is not None:
        _check_consistency(since, verifier, checkpoint, levels, report)
    return report


def _check_consistency(
    since: str,
    verifier: note.Verifier,
    checkpoint: note.Checkpoint,
    levels: list[list[bytes]],
    report: AuditReport,
) -> None:
    try:
        old = note.open_checkpoint(since, verifier)
    except note.NoteError as error:
        report.failures.append(f"earlier checkpoint: {error}")
        return
    if old.size > checkpoint.size:
        report.failures.append(
            f"consistency: the log shrank from {old.size} to {checkpoint.size} entries"
        )
        return

    def get(level: int, index: int) -> bytes:
        return levels[level][index]

    proof = proofs.consistency_proof(get, old.size, checkpoint.size)
    if proofs.verify_consistency(
        old.size, checkpoint.size, proof, old.root_hash, checkpoint.root_hash
    ):
        report.checked.append(
            f"consistency: the tree of {old.size} entries is a prefix of this one"
        )
    else:
        report.failures.append(
            f"consistency: the earlier checkpoint of {old.size} entries is not a prefix of "
            f"this log (history rewritten)"
        )
