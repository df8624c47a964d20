"""Dashboard data at 1,000,000 certificates: every chart's figures from the registry tallies.

Reuses ``bench_lookup``'s cached registries and ``bench_search``'s child-process runner. Times
``portal.statistics.dashboard`` (the data of all seven charts: by province, city, category, month,
status, pilot zone, targets) for today and for past "as of" dates, and the whole
``GET /statistics/`` page. Goal: all chart data in ≤ 200 ms.
"""

from __future__ import annotations

import datetime as dt
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

ROUNDS = int(os.environ.get("GREENCERT_BENCH_ROUNDS", "10"))
GOAL_MS = 200.0
DAYS = ["2026-11-01", "2025-06-15", "2023-12-31", "2021-03-10"]


def measure() -> dict[str, Any]:
    import django

    django.setup()
    from django.test import Client

    from greencert.portal.statistics import dashboard

    results: dict[str, Any] = {}
    for day in DAYS:
        date = dt.date.fromisoformat(day)
        charts = dashboard(date, "zh-hans")
        timings = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            dashboard(date, "zh-hans")
            timings.append((time.perf_counter() - started) * 1000)
        valid = sum(r[2] for r in next(c for c in charts if c.name == "provinces").rows)
        results[f"chart data as of {day}"] = {
            "median": statistics.median(timings),
            "max": max(timings),
            "valid": valid,
            "empty_charts": [c.name for c in charts if not c.rows],
        }
    client = Client()
    client.get("/statistics/")
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get("/statistics/")
        timings.append((time.perf_counter() - started) * 1000)
    if response.status_code != 200:
        raise RuntimeError(f"/statistics/ answered {response.status_code}")
    results["GET /statistics/ (today)"] = {
        "median": statistics.median(timings),
        "max": max(timings),
    }
    return results


def run() -> str:
    engines = os.environ.get("GREENCERT_BENCH_ENGINES", "sqlite,postgresql").split(",")
    registries = []
    if "sqlite" in engines:
        registries.append(bench_lookup.sqlite_registry())
    if "postgresql" in engines and (pg := bench_lookup.postgresql_registry()) is not None:
        registries.append(pg)
    rows, verdicts = [], []
    for registry in registries:
        bench_search.ensure_read_models(registry)
        results = bench_search.child(registry.env, "bench_dashboard.py")
        worst = 0.0
        for name, r in results.items():
            extra = f"{r['valid']:,} valid" if "valid" in r else ""
            if r.get("empty_charts"):
                extra += f"; empty: {', '.join(r['empty_charts'])}"
            if name.startswith("chart data"):
                worst = max(worst, r["max"])
            rows.append(
                f"| {registry.engine} | {name} | {r['median']:.1f} | {r['max']:.1f} | {extra} |"
            )
        verdicts.append(
            f"- **{registry.engine}**: slowest chart-data run **{worst:.1f} ms** (goal ≤ "
            f"{GOAL_MS:.0f} ms) → goal **{'met' if worst <= GOAL_MS else 'not met'}**."
        )
    lines = [
        "## Statistics dashboard data (`bench_dashboard`)",
        "",
        f"`portal.statistics.dashboard(day)` — the figures of all seven charts — on the "
        f"{bench_lookup.CERTIFICATES:,}-certificate registry of `bench_lookup`, {ROUNDS} runs per "
        "date after one warm-up, in one process; then the whole `GET /statistics/` page through "
        "Django's test client. Figures are summed from the registry tallies (year, month and day "
        "rows); `test_statistics.py` checks they equal a full recount of the event log. "
        f"Goal: ≤ {GOAL_MS:.0f} ms.",
        "",
        "| engine | what | median ms | max ms | figures |",
        "| --- | --- | ---: | ---: | --- |",
        *rows,
        "",
        *verdicts,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if "--measure" in sys.argv:
        import json

        print(json.dumps(measure()))
    else:
        print(run())
