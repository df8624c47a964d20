"""The right edge of an RFC 6962 tree (a compact range from leaf 0): the hashes of its complete
subtrees, one per set bit of its size, largest first. It is all one needs to extend the tree by
new leaves and compute the new root, so a follower verifies a peer's newer checkpoint by hashing
only the entries added since the last one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from greencert.core.merkle import empty_root, node_hash


def _sizes(size: int) -> list[int]:
    """The sizes of the complete subtrees of a tree of ``size`` leaves, largest first."""
    return [1 << bit for bit in range(size.bit_length() - 1, -1, -1) if size >> bit & 1]


@dataclass
class RightEdge:
    size: int = 0
    hashes: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.hashes) != len(_sizes(self.size)):
            raise ValueError(
                f"a tree of {self.size} leaves has {len(_sizes(self.size))} subtrees on its right "
                f"edge, not {len(self.hashes)}"
            )

    @classmethod
    def from_hex(cls, size: int, hashes: Iterable[str]) -> RightEdge:
        return cls(size, [bytes.fromhex(h) for h in hashes])

    def hex(self) -> list[str]:
        return [h.hex() for h in self.hashes]

    def append(self, leaf_hash: bytes) -> None:
        """Add one leaf (by its RFC 6962 leaf hash), merging equal-sized subtrees."""
        sizes = _sizes(self.size)
        current, width = leaf_hash, 1
        while sizes and sizes[-1] == width:
            sizes.pop()
            current, width = node_hash(self.hashes.pop(), current), width * 2
        self.hashes.append(current)
        self.size += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        for leaf_hash in leaf_hashes:
            self.append(leaf_hash)

    def root(self) -> bytes:
        """The tree's root: the right edge folded from its smallest subtree up."""
        if not self.hashes:
            return empty_root()
        root = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            root = node_hash(left, root)
        return root

    def copy(self) -> RightEdge:
        return RightEdge(self.size, list(self.hashes))
