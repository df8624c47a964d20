"""What a procurement officer's search adds: the exact match first, the result count and the
three other orders (issue date, expiry date, holder), on the registry of ``bench_lookup``.

Each search of ``bench_search``'s words (with and without its filters) is run in one process
with Django set up on the registry, through ``Search`` and ``SearchPages`` (no HTTP): the first
page by relevance without and with the exact-match lookup, the count (``Search.count``, capped at
1,000), and the first page in each other order. Both wall time and the process's CPU time are
given: on SQLite the database runs in the process, so CPU time holds still on a busy machine.

Run directly (``python bench/bench_search_order.py``) to print the Markdown section.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import bench_lookup  # noqa: E402
import bench_search  # noqa: E402

ROUNDS = int(os.environ.get("GREENCERT_BENCH_ROUNDS", "5"))


def _timed(call: Any) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def measure() -> dict[str, Any]:
    import django

    django.setup()
    from greencert.core.query import read_query
    from greencert.portal.filters import SearchFilters
    from greencert.portal.search import Search, SearchPages

    words = [w for group in bench_search.WORDS.values() for w in group]
    requests = [{"q": w} for w in words] + [
        {"q": w} | bench_search.FILTERS[i % len(bench_search.FILTERS)] for i, w in enumerate(words)
    ]
    pages = SearchPages()
    paging = SearchPages.Input(limit=20)

    def first_page(params: dict[str, str], *, exact: bool = True) -> Any:
        search = Search(read_query(SearchFilters, params))
        if not exact:
            search._exact = []  # as before the exact match was looked up
        return lambda: pages.paginate_queryset(search, paging)

    def count(params: dict[str, str]) -> Any:
        search = Search(read_query(SearchFilters, params))
        return search.count

    shapes: dict[str, Any] = {
        "relevance, newest first only": lambda p: first_page(p, exact=False),
        "relevance, exact match first": first_page,
        "result count (capped at 1,000)": count,
        **{
            f"sorted by {order}": (lambda o: lambda p: first_page(p | {"sort": o}))(order)
            for order in ("issued", "expiry", "holder")
        },
    }
    for params in requests:  # warm up
        first_page(params)()
    results: dict[str, Any] = {}
    for name, make in shapes.items():
        walls, cpus = [], []
        for _ in range(ROUNDS):
            for params in requests:
                wall, cpu = _timed(make(params))
                walls.append(wall)
                cpus.append(cpu)
        results[name] = {
            "wall_p50": statistics.median(walls),
            "wall_p95": bench_search._percentile(walls, 0.95),
            "cpu_p50": statistics.median(cpus),
            "samples": len(walls),
        }
    return results


def run() -> str:
    engines = os.environ.get("GREENCERT_BENCH_ENGINES", "sqlite,postgresql").split(",")
    registries = []
    if "sqlite" in engines:
        registries.append(bench_lookup.sqlite_registry())
    if "postgresql" in engines:
        pg = bench_lookup.postgresql_registry()
        if pg is not None:
            registries.append(pg)
    rows = []
    for registry in registries:
        bench_search.ensure_read_models(registry)
        for name, s in bench_search.child(registry.env, "bench_search_order.py").items():
            rows.append(
                f"| {registry.engine} | {name} | {s['wall_p50']:.1f} | {s['wall_p95']:.1f} | "
                f"{s['cpu_p50']:.1f} | {s['samples']} |"
            )
    lines = [
        "## Search order, exact match and count (`bench_search_order`)",
        "",
        f"The first page (20 results) of `bench_search`'s 26 words, alone and with its filters, on "
        f"the {bench_lookup.CERTIFICATES:,}-certificate registry of `bench_lookup`, through "
        f"`Search` in one process, {ROUNDS} rounds. CPU time is the process's: on SQLite it "
        "includes the database's work; on PostgreSQL it does not.",
        "",
        "| engine | what | wall p50 ms | wall p95 ms | CPU p50 ms | samples |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        *rows,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if "--measure" in sys.argv:
        print(json.dumps(measure()))
    else:
        print(run())
