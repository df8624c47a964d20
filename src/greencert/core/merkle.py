"""Merkle tree hashing of RFC 6962 §2.1 (SHA-256): the tree head anyone can recompute from the
published leaves, for the draw's randomness and the node's transparency log.

MTH({}) = SHA-256(""); a leaf hashes as SHA-256(0x00 || leaf); an inner node over the left
subtree of the largest power of two smaller than n and the rest as SHA-256(0x01 || left || right).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def empty_root() -> bytes:
    return hashlib.sha256(b"").digest()


def root_from_leaf_hashes(hashes: Iterable[bytes]) -> bytes:
    """MTH over leaves given by their leaf hashes, in one pass with a stack of complete subtrees
    (memory grows with log n, so a log of millions of events is hashed as it is read)."""
    stack: list[tuple[int, bytes]] = []  # (subtree size, hash), sizes strictly decreasing
    for current in hashes:
        size = 1
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            current, size = node_hash(left, current), left_size + size
        stack.append((size, current))
    if not stack:
        return empty_root()
    # The right edge: fold the incomplete subtrees from the smallest up.
    _size, root = stack.pop()
    while stack:
        _size, left = stack.pop()
        root = node_hash(left, root)
    return root


def tree_root(leaves: Iterable[bytes]) -> bytes:
    """MTH(D[n]) of RFC 6962 over the leaf inputs, in order."""
    return root_from_leaf_hashes(leaf_hash(leaf) for leaf in leaves)


@dataclass(frozen=True)
class TreeHead:
    """A tree's size and root hash (hex), as a checkpoint or a draw cites it."""

    size: int
    root_hash: str

    def as_dict(self) -> dict[str, int | str]:
        return {"size": self.size, "root_hash": self.root_hash}


def tree_head(leaves: Iterable[bytes]) -> TreeHead:
    count = 0

    def counted() -> Iterable[bytes]:
        nonlocal count
        for leaf in leaves:
            count += 1
            yield leaf_hash(leaf)

    root = root_from_leaf_hashes(counted())
    return TreeHead(size=count, root_hash=root.hex())
