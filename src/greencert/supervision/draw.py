"""The 双随机 draw, reproducible by anyone from the published plan (pure Python, no Django).

Algorithm ``greencert-draw-v2`` (plans committed from 2026-12) is v1 below with two changes:

a. The organiser cannot steer the draw by trying seeds: at commitment the plan states a time T
   (``draw_not_before``); the draw runs only after T, and its random numbers are keyed not by
   the seed but by ``randomness = SHA-256(seed bytes || size as 8 bytes big-endian || root)``,
   where (size, root) is the RFC 6962 tree head of the registry's event log over every event
   recorded before T — leaf i being the canonical JSON of the event with sequence i + 1 as the
   public change feed publishes it. Nobody knew that head when the seed was committed.
b. Each object in the pool carries its credit risk class (``credit_class``, A–D) on the day of
   commitment, and each class is sampled separately (stratified): for item *i* and class *c*,
   ``k = ceil(min(1, ratio_i × factor_c) × N_c)`` objects of class *c* (all of them when
   ``ratio_i`` is 1) are chosen on stream
   ``objects:<item code>:<class>``. The factors are published with the plan.

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

Publication (双随机、一公开): what is drawn, by which method and seed, who inspects and the
results are public; the inspectors' declared conflicts of interest are not. 双随机 requires that
conflicts be avoided (回避), not published, so the public record (``public_record``) lists the
inspector directory without them, and its fingerprint ``inspector_directory`` (committed with the
others from 2026-12) lets anyone check that directory was frozen at commitment. Anyone re-runs
the object draw in full; the inspector assignment is re-run in full by regulators, who hold the
record with the conflicts, and checked by the public against the directory (each inspector in
it, enough of them, none working for the object).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from greencert.core.canonical import canonical_json

ALGORITHM_V1 = "greencert-draw-v1"
ALGORITHM = "greencert-draw-v2"
TWO_64 = 1 << 64


class DrawError(ValueError):
    """The published data do not allow a draw (or do not match themselves)."""


def commitment(seed: str) -> str:
    return hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def fingerprint(pool: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical_json(sorted(pool, key=lambda e: e["id"]))).hexdigest()


PRIVATE_INSPECTOR_FIELDS = ("conflicts",)


def directory_entry(inspector: dict[str, Any]) -> dict[str, Any]:
    """An inspector as the public record lists them: without declared conflicts."""
    return {k: v for k, v in inspector.items() if k not in PRIVATE_INSPECTOR_FIELDS}


def fingerprints(
    items: list[dict[str, Any]], objects: list[dict[str, Any]], inspectors: list[dict[str, Any]]
) -> dict[str, str]:
    return {
        "items": hashlib.sha256(canonical_json(sorted(items, key=lambda i: i["code"]))).hexdigest(),
        "objects": fingerprint(objects),
        "inspectors": fingerprint(inspectors),
        "inspector_directory": fingerprint([directory_entry(i) for i in inspectors]),
    }


def public_record(document: dict[str, Any]) -> dict[str, Any]:
    """The published draw without the inspectors' declared conflicts of interest."""
    return document | {
        "inspector_pool": [directory_entry(i) for i in document["inspector_pool"]],
        "inspector_conflicts": "withheld",
    }


def _conflicts_withheld(document: dict[str, Any]) -> bool:
    return document.get("inspector_conflicts") == "withheld"


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


def draw_randomness(seed: str, log_size: int, log_root: str) -> str:
    """The key of every stream in v2: the committed seed mixed with the log's tree head."""
    material = bytes.fromhex(seed) + log_size.to_bytes(8, "big") + bytes.fromhex(log_root)
    return hashlib.sha256(material).hexdigest()


def class_ratio(ratio: str | Decimal, factor: str | Decimal) -> Decimal:
    """The ratio class members are drawn at; an item with ratio 1 checks every object (a
    census), whatever the class."""
    if Decimal(ratio) >= 1:
        return Decimal(1)
    return min(Decimal(1), Decimal(ratio) * Decimal(factor))


def run_stratified_draw(
    randomness: str,
    items: list[dict[str, Any]],
    objects: list[dict[str, Any]],
    inspectors: list[dict[str, Any]],
    per_check: int,
    class_factors: dict[str, str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The v2 draw: (checks as ``run_draw`` gives them, one row per item and class with its
    ratio, population and the number drawn)."""
    if per_check < 2:
        raise DrawError("at least two inspectors are drawn per object")
    short = check_pools(objects, inspectors, per_check)
    if short:
        raise DrawError(f"objects without {per_check} eligible inspectors: {', '.join(short)}")
    by_class: dict[str, list[str]] = {}
    for obj in objects:
        by_class.setdefault(obj["credit_class"], []).append(obj["id"])
    unknown = sorted(set(by_class) - set(class_factors))
    if unknown:
        raise DrawError(f"objects of credit classes without a factor: {', '.join(unknown)}")
    drawn: dict[str, list[str]] = {}
    strata = []
    for item in sorted(items, key=lambda i: i["code"]):
        for credit_class in sorted(class_factors):
            ids = by_class.get(credit_class, [])
            ratio = class_ratio(item["ratio"], class_factors[credit_class])
            chosen = choose(
                randomness,
                f"objects:{item['code']}:{credit_class}",
                ids,
                sample_size(ratio, len(ids)),
            )
            for object_id in chosen:
                drawn.setdefault(object_id, []).append(item["code"])
            strata.append(
                {
                    "item": item["code"],
                    "credit_class": credit_class,
                    "ratio": str(ratio.normalize()),
                    "population": len(ids),
                    "drawn": len(chosen),
                }
            )
    by_id = {o["id"]: o for o in objects}
    checks = [
        {
            "object": object_id,
            "items": sorted(drawn[object_id]),
            "inspectors": sorted(
                choose(
                    randomness,
                    f"inspectors:{object_id}",
                    eligible(by_id[object_id], inspectors),
                    per_check,
                )
            ),
        }
        for object_id in sorted(drawn)
    ]
    return checks, strata


def verify_published(document: dict[str, Any]) -> list[str]:
    """Re-run a published draw; returns the discrepancies found (empty when it holds). The
    log's tree head of a v2 draw is checked by the caller, who holds the log."""
    problems: list[str] = []
    algorithm = document.get("algorithm")
    if algorithm not in {ALGORITHM, ALGORITHM_V1}:
        return [f"draw: unknown algorithm {algorithm!r} (expected {ALGORITHM})"]
    seed = document.get("seed") or ""
    if not seed:
        return ["commitment: the seed has not been revealed yet: the draw has not taken place"]
    try:
        revealed = commitment(seed)
    except ValueError:
        return [f"commitment: the seed {seed!r} is not hexadecimal"]
    if revealed != document.get("commitment"):
        problems.append(
            f"commitment: SHA-256 of the seed is {revealed}, not the published commitment "
            f"{document.get('commitment')}"
        )
    items, objects, inspectors = (
        document["items"],
        document["object_pool"],
        document["inspector_pool"],
    )
    withheld = _conflicts_withheld(document)
    computed = fingerprints(items, objects, inspectors)
    published_prints = document.get("fingerprints", {})
    if withheld:
        # The full inspector pool's fingerprint covers the conflicts: regulators check it.
        del computed["inspectors"]
    if "inspector_directory" not in published_prints:
        del computed["inspector_directory"]  # plans committed before it was published
    for name, value in computed.items():
        published = published_prints.get(name)
        if published != value:
            problems.append(f"pools: {name} pool fingerprint is {value}, published {published}")
    per_check = int(document["inspectors_per_check"])
    try:
        if algorithm == ALGORITHM_V1:
            result = run_draw(seed, items, objects, inspectors, per_check)
            strata: list[dict[str, Any]] = []
        else:
            head = document.get("log_tree_head") or {}
            key = draw_randomness(seed, int(head["size"]), head["root_hash"])
            if key != document.get("randomness"):
                problems.append(
                    f"randomness: SHA-256 of the seed and the tree head is {key}, published "
                    f"{document.get('randomness')}"
                )
            result, strata = run_stratified_draw(
                key, items, objects, inspectors, per_check, document["class_factors"]
            )
    except (DrawError, KeyError, ValueError) as exc:
        return [*problems, f"draw: {exc}"]
    published_result = document.get("result") or []
    if withheld:
        problems += _check_assignment(published_result, objects, inspectors, per_check)
        result = [{**c, "inspectors": []} for c in result]
        published_result = [{**c, "inspectors": []} for c in published_result]
    if result != published_result:
        problems.append("draw: re-running the draw gives different objects or inspectors")
    if algorithm == ALGORITHM and strata != document.get("strata"):
        problems.append("draw: the published counts by credit class differ from the re-run")
    return problems


def _check_assignment(
    result: list[dict[str, Any]],
    objects: list[dict[str, Any]],
    inspectors: list[dict[str, Any]],
    per_check: int,
) -> list[str]:
    """What the public can check of the inspectors drawn without their declared conflicts."""
    by_id = {o["id"]: o for o in objects}
    problems = []
    for check in result:
        obj = by_id.get(check.get("object", ""), {})
        named = check.get("inspectors", [])
        allowed = set(eligible(obj, inspectors))
        if len(set(named)) != per_check or not set(named) <= allowed:
            problems.append(
                f"draw: the inspectors of {check.get('object')} ({', '.join(named)}) are not "
                f"{per_check} distinct inspectors of the directory free of ties to it"
            )
    return problems
