"""The 双随机 draw, reproducible by anyone from the published plan (pure Python, no Django).

Algorithm ``greencert-draw-v1``:

1. Before the draw the organiser publishes the frozen pools with their fingerprints and
   ``commitment = SHA-256(seed)``, where ``seed`` is 32 random bytes written as 64 hex digits.
   A fingerprint is the SHA-256 of the RFC 8785 canonical JSON of a pool sorted by ``id``.
2. At the draw the seed is revealed; anyone checks it against the commitment.
3. Random numbers come from HMAC-SHA256 in counter mode: block *i* of stream *label* is
   ``HMAC-SHA256(key=seed bytes, msg=label || ":" || i)``; each block gives four 64-bit
   big-endian words. ``below(n)`` takes the next word *w*, rejects it when
   ``w ≥ 2^64 − (2^64 mod n)`` (so every value is equally likely) and answers ``w mod n``.
4. For each item (in code order), ``k = ceil(ratio × N)`` objects are chosen from the sorted
   object pool by a partial Fisher–Yates shuffle on stream ``objects:<item code>``. An object
   drawn by several items is checked once for all of them.
5. For each drawn object (in id order), the eligible inspectors — sorted by id, excluding any
   whose ``affiliation`` or declared ``conflicts`` names one of the object's ``parties`` — are
   shuffled the same way on stream ``inspectors:<object id>`` and the first
   ``inspectors_per_check`` taken.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from greencert.core.canonical import canonical_json

ALGORITHM = "greencert-draw-v1"
TWO_64 = 1 << 64


class DrawError(ValueError):
    """The published data do not allow a draw (or do not match themselves)."""


def commitment(seed: str) -> str:
    return hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def fingerprint(pool: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical_json(sorted(pool, key=lambda e: e["id"]))).hexdigest()


def fingerprints(
    items: list[dict[str, Any]], objects: list[dict[str, Any]], inspectors: list[dict[str, Any]]
) -> dict[str, str]:
    return {
        "items": hashlib.sha256(canonical_json(sorted(items, key=lambda i: i["code"]))).hexdigest(),
        "objects": fingerprint(objects),
        "inspectors": fingerprint(inspectors),
    }


class Stream:
    """Uniform integers from HMAC-SHA256 in counter mode."""

    def __init__(self, seed: str, label: str) -> None:
        self._key = bytes.fromhex(seed)
        self._label = label.encode("utf-8")
        self._words = self._generate()

    def _generate(self) -> Iterator[int]:
        counter = 0
        while True:
            block = hmac.new(self._key, self._label + b":" + str(counter).encode(), "sha256")
            digest = block.digest()
            for offset in range(0, 32, 8):
                yield int.from_bytes(digest[offset : offset + 8], "big")
            counter += 1

    def below(self, n: int) -> int:
        limit = TWO_64 - (TWO_64 % n)
        while True:
            word = next(self._words)
            if word < limit:
                return word % n


def choose(seed: str, label: str, ids: list[str], k: int) -> list[str]:
    """The first ``k`` of ``ids`` (sorted) after a partial Fisher–Yates shuffle."""
    pool = sorted(ids)
    stream = Stream(seed, label)
    k = min(k, len(pool))
    for i in range(k):
        j = i + stream.below(len(pool) - i)
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def sample_size(ratio: str | Decimal, population: int) -> int:
    return min(population, math.ceil(Decimal(ratio) * population))


def eligible(obj: dict[str, Any], inspectors: list[dict[str, Any]]) -> list[str]:
    """Inspectors with no tie to any party of the object (its enterprise, its body)."""
    parties = set(obj.get("parties", []))
    return sorted(
        i["id"]
        for i in inspectors
        if not (parties & ({i.get("affiliation", "")} | set(i.get("conflicts", []))) - {""})
    )


def check_pools(
    objects: list[dict[str, Any]], inspectors: list[dict[str, Any]], per_check: int
) -> list[str]:
    """Object ids without enough eligible inspectors (the draw must not start if any)."""
    return [o["id"] for o in objects if len(eligible(o, inspectors)) < per_check]


def run_draw(
    seed: str,
    items: list[dict[str, Any]],
    objects: list[dict[str, Any]],
    inspectors: list[dict[str, Any]],
    per_check: int,
) -> list[dict[str, Any]]:
    """The checks: [{"object": id, "items": [codes], "inspectors": [ids]}] in object id order."""
    if per_check < 2:
        raise DrawError("at least two inspectors are drawn per object")
    short = check_pools(objects, inspectors, per_check)
    if short:
        raise DrawError(f"objects without {per_check} eligible inspectors: {', '.join(short)}")
    ids = [o["id"] for o in objects]
    drawn: dict[str, list[str]] = {}
    for item in sorted(items, key=lambda i: i["code"]):
        for object_id in choose(
            seed, f"objects:{item['code']}", ids, sample_size(item["ratio"], len(ids))
        ):
            drawn.setdefault(object_id, []).append(item["code"])
    by_id = {o["id"]: o for o in objects}
    return [
        {
            "object": object_id,
            "items": sorted(drawn[object_id]),
            "inspectors": sorted(
                choose(
                    seed,
                    f"inspectors:{object_id}",
                    eligible(by_id[object_id], inspectors),
                    per_check,
                )
            ),
        }
        for object_id in sorted(drawn)
    ]


def verify_published(document: dict[str, Any]) -> list[str]:
    """Re-run a published draw; returns the discrepancies found (empty when it holds)."""
    problems: list[str] = []
    if document.get("algorithm") != ALGORITHM:
        return [f"unknown algorithm {document.get('algorithm')!r} (expected {ALGORITHM})"]
    seed = document.get("seed") or ""
    if not seed:
        return ["the seed has not been revealed yet: the draw has not taken place"]
    try:
        revealed = commitment(seed)
    except ValueError:
        return [f"the seed {seed!r} is not hexadecimal"]
    if revealed != document.get("commitment"):
        problems.append(
            f"SHA-256 of the seed is {revealed}, not the published commitment "
            f"{document.get('commitment')}"
        )
    items, objects, inspectors = (
        document["items"],
        document["object_pool"],
        document["inspector_pool"],
    )
    computed = fingerprints(items, objects, inspectors)
    for name, value in computed.items():
        published = document.get("fingerprints", {}).get(name)
        if published != value:
            problems.append(f"{name} pool fingerprint is {value}, published {published}")
    try:
        result = run_draw(seed, items, objects, inspectors, int(document["inspectors_per_check"]))
    except DrawError as exc:
        return [*problems, str(exc)]
    if result != document.get("result"):
        problems.append("re-running the draw gives different objects or inspectors")
    return problems
