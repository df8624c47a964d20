"""Criteria engine throughput: evaluations per second on one core (median of several runs).

Run directly (``python bench/bench_evaluation.py``) to print a Markdown section, or call
``run()`` to collect it.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable

from greencert.evaluation import Scheme, evaluate, example_submission, load_shipped_schemes

RUNS = 7
SECONDS_PER_RUN = 0.5
GOAL_PER_SECOND = 20_000


def _pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _rate(call: Callable[[], object]) -> float:
    """Calls per CPU second over one run of about SECONDS_PER_RUN of this process's CPU time.

    CPU time rather than wall-clock time, so other jobs on a shared machine distort it less.
    """
    batch, elapsed = 1, 0.0
    while elapsed < SECONDS_PER_RUN / 10:
        batch *= 2
        start = time.process_time()
        for _ in range(batch):
            call()
        elapsed = time.process_time() - start
    count = max(1, int(batch * SECONDS_PER_RUN / elapsed))
    start = time.process_time()
    for _ in range(count):
        call()
    return count / (time.process_time() - start)


def _measure(scheme: Scheme, unit: str | None, with_dict: bool) -> list[float]:
    submission = example_submission(scheme, unit)
    if with_dict:
        return [_rate(lambda: evaluate(scheme, submission).to_dict()) for _ in range(RUNS)]
    return [_rate(lambda: evaluate(scheme, submission)) for _ in range(RUNS)]


def run() -> str:
    _pin_to_one_core()
    registry = load_shipped_schemes()
    cases = [
        (registry.get("cgp-furniture", "2017"), "soft_bed"),
        (registry.get("rb-rural-homestay", "2022"), None),
        (registry.get("gdc-national-green", "2025"), "general"),
    ]
    gc.collect()
    lines = [
        "## Criteria engine (`greencert.evaluation`)",
        "",
        f"Evaluations per CPU second on one core (process CPU time), median of {RUNS} runs of "
        f"~{SECONDS_PER_RUN} s each. "
        "`evaluate` includes reading and unit-normalising the submission, judging every item and "
        "the SHA-256 fingerprint; `+ to_dict()` adds the bilingual explanations and JSON form. "
        f"Goal for the ~30-indicator product scheme: ≥ {GOAL_PER_SECOND:,}/s.",
        "",
        "| scheme | indicators / scored items | evaluate /s (median) | evaluate + to_dict() /s (median) | runs |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for scheme, unit in cases:
        plain = statistics.median(_measure(scheme, unit, with_dict=False))
        full = statistics.median(_measure(scheme, unit, with_dict=True))
        size = len(scheme.indicators) + len(scheme.scored_items)
        lines.append(f"| {scheme.key} | {size} | {plain:,.0f} | {full:,.0f} | {RUNS} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
