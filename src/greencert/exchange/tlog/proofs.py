"""RFC 6962 §2.1 proofs over a tree whose complete subtrees' hashes are stored.

``HashAt(level, index)`` gives the hash of the complete subtree of ``2**level`` leaves starting at
leaf ``index * 2**level``. Every subtree the proof algorithms name is split into such complete
subtrees, so a proof needs O(log² n) stored hashes at most. ``needed`` lists them without reading
any, so a store can fetch them in one query. Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2.
"""

from __future__ import annotations

from collections.abc import Callable

from greencert.core.merkle import empty_root, node_hash

HashAt = Callable[[int, int], bytes]


def _split(size: int) -> int:
    """The largest power of two smaller than ``size`` (size ≥ 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def subtree_hash(get: HashAt, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range the RFC's recursion produces (start a multiple of the
    largest power of two not above end - start)."""
    size = end - start
    if size == 0:
        return empty_root()
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        return get(level, start >> level)
    k = _split(size)
    return node_hash(subtree_hash(get, start, start + k), subtree_hash(get, start + k, end))


def root(get: HashAt, size: int) -> bytes:
    return subtree_hash(get, 0, size)


def inclusion_proof(get: HashAt, index: int, size: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    proof: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            proof.append(subtree_hash(get, start + k, end))
            end = start + k
        else:
            proof.append(subtree_hash(get, start, start + k))
            start += k
    proof.reverse()
    return proof


def consistency_proof(get: HashAt, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 §2.1.2."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    return _subproof(get, old_size, 0, new_size, True)


def _subproof(get: HashAt, m: int, start: int, end: int, complete: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if complete else [subtree_hash(get, start, end)]
    k = _split(n)
    if m <= k:
        return [*_subproof(get, m, start, start + k, complete), subtree_hash(get, start + k, end)]
    return [*_subproof(get, m - k, start + k, end, False), subtree_hash(get, start, start + k)]


def needed(proof: Callable[[HashAt], object]) -> list[tuple[int, int]]:
    """The stored hashes ``proof`` reads, found by running it on placeholder hashes."""
    seen: dict[tuple[int, int], None] = {}

    def record(level: int, index: int) -> bytes:
        seen[(level, index)] = None
        return bytes(32)

    proof(record)
    return list(seen)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: list[bytes], root_hash: bytes
) -> bool:
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while (fn & 1) == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(
    old_size: int, new_size: int, proof: list[bytes], old_root: bytes, new_root: bytes
) -> bool:
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while (fn & 1) == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
