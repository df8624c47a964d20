"""The draw is reproducible from published data alone, and never draws a conflicted inspector."""

from __future__ import annotations

import copy
from typing import Any

from greencert.supervision import draw

SEED = "ab" * 32
ITEMS = [
    {"code": "G1", "kind": "general", "ratio": "0.2"},
    {"code": "K1", "kind": "key", "ratio": "0.5"},
]


def objects(n: int = 20) -> list[dict]:
    return [
        {"id": f"enterprise:91330500{i:010d}", "parties": [f"91330500{i:010d}"], "region": "330500"}
        for i in range(n)
    ]


def inspectors(n: int = 8, conflicts: dict[int, list[str]] | None = None) -> list[dict]:
    conflicts = conflicts or {}
    return [
        {
            "id": f"INS{i:03d}",
            "name": f"检查员{i}",
            "region": "330000",
            "affiliation": "",
            "conflicts": conflicts.get(i, []),
        }
        for i in range(n)
    ]


def test_same_seed_and_pools_give_the_same_result():
    first = draw.run_draw(SEED, ITEMS, objects(), inspectors(), 2)
    again = draw.run_draw(SEED, list(reversed(ITEMS)), objects()[::-1], inspectors()[::-1], 2)
    assert first == again
    assert first  # something was drawn


def test_a_different_seed_gives_a_different_draw():
    assert draw.run_draw(SEED, ITEMS, objects(), inspectors(), 2) != draw.run_draw(
        "cd" * 32, ITEMS, objects(), inspectors(), 2
    )


def test_sample_sizes_follow_each_items_ratio():
    result = draw.run_draw(SEED, ITEMS, objects(20), inspectors(), 2)
    per_item = {code: sum(code in c["items"] for c in result) for code in ("G1", "K1")}
    assert per_item == {"G1": 4, "K1": 10}


def test_a_changed_pool_changes_the_fingerprint():
    pool = objects()
    changed = copy.deepcopy(pool)
    changed[3]["region"] = "320500"
    assert draw.fingerprint(pool) == draw.fingerprint(list(reversed(pool)))
    assert draw.fingerprint(pool) != draw.fingerprint(changed)
    assert draw.fingerprint(pool) != draw.fingerprint(pool[1:])


def test_conflicted_and_affiliated_inspectors_are_never_drawn():
    pool = objects(10)
    tied = pool[0]["parties"][0]
    staff = inspectors(6, conflicts={0: [tied], 1: [tied]})
    staff[2]["affiliation"] = tied
    for seed in ("00" * 32, "11" * 32, "22" * 32, "33" * 32, "44" * 32):
        for check in draw.run_draw(seed, [{"code": "K", "ratio": "1"}], pool, staff, 2):
            assert len(set(check["inspectors"])) == 2
            if check["object"] == pool[0]["id"]:
                assert not {"INS000", "INS001", "INS002"} & set(check["inspectors"])


def test_objects_without_enough_eligible_inspectors_are_reported():
    pool = objects(2)
    tied = pool[0]["parties"][0]
    assert draw.check_pools(pool, inspectors(2, conflicts={0: [tied]}), 2) == [pool[0]["id"]]


def test_the_stream_is_uniform_enough_and_deterministic():
    first, second = draw.Stream(SEED, "test"), draw.Stream(SEED, "test")
    values = [first.below(6) for _ in range(6000)]
    assert values == [second.below(6) for _ in range(6000)]
    assert all(800 < values.count(v) < 1200 for v in range(6))


def test_verify_published_accepts_a_true_draw_and_names_each_tampering():
    items, pool, staff = ITEMS, objects(), inspectors()
    document: dict[str, Any] = {
        "algorithm": draw.ALGORITHM_V1,
        "items": items,
        "object_pool": pool,
        "inspector_pool": staff,
        "inspectors_per_check": 2,
        "fingerprints": draw.fingerprints(items, pool, staff),
        "commitment": draw.commitment(SEED),
        "seed": SEED,
        "result": draw.run_draw(SEED, items, pool, staff, 2),
    }
    assert draw.verify_published(document) == []
    swapped = copy.deepcopy(document) | {"seed": "cd" * 32}
    assert any("commitment" in p for p in draw.verify_published(swapped))
    padded = copy.deepcopy(document)
    padded["object_pool"].append({"id": "enterprise:extra", "parties": [], "region": "330500"})
    assert any("objects pool fingerprint" in p for p in draw.verify_published(padded))
    forged = copy.deepcopy(document)
    forged["result"][0]["inspectors"] = ["INS000", "INS001"]
    if forged["result"] != document["result"]:
        assert draw.verify_published(forged) == [
            "draw: re-running the draw gives different objects or inspectors"
        ]
