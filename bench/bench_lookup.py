"""Certificate lookup under load: the certificate API, the verify page and the QR scan against
``GET /healthz`` and a bare Django view (the control).

A registry of a million certificates (``greencert seed``) is served by gunicorn as in production
(gthread, 2 workers × 4 threads, no access log, DEBUG off) and loaded with wrk at 16 connections,
each endpoint in turn (``TARGETS``): the control view, the health check, lookups of random
existing registry numbers, lookups of the same certificates by the number their body gave them
(机构证书编号), their verify pages and their QR scan address ``/V/{n}``. The registry is built
once per size, seed and day and reused from ``bench/.work/`` (git-ignored); on PostgreSQL it is a
database named ``greencert_bench_<N>_<seed>``, kept for the next run (drop it with ``dropdb``).

Run directly (``python bench/bench_lookup.py``) to print the Markdown section, or call ``run()``.
Environment: ``GREENCERT_BENCH_CERTIFICATES`` (default 1000000), ``GREENCERT_BENCH_ENGINES``
(default ``sqlite,postgresql``), ``GREENCERT_BENCH_PG_URL`` (a server's maintenance database,
default ``postgres://postgres@127.0.0.1:5432/postgres``), ``GREENCERT_BENCH_SECONDS`` (15).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK = BENCH_DIR / ".work"
BIN = Path(sys.executable).parent
CERTIFICATES = int(os.environ.get("GREENCERT_BENCH_CERTIFICATES", "1000000"))
SEED = 2021
TODAY = "2026-11-01"  # fixes the data set: statuses and histories end on this day
SAMPLE = 100_000
THREADS, CONNECTIONS = 2, 16
SECONDS = int(os.environ.get("GREENCERT_BENCH_SECONDS", "15"))
WARM_UP_SECONDS = 5
RUNS = 3
# As production serves (docs: gthread, 2 workers × 4 threads); no access log, errors only.
GUNICORN = ["--workers", "2", "--threads", "4", "--worker-class", "gthread"]
GUNICORN += ["--log-level", "warning"]
PG_URL = os.environ.get("GREENCERT_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


@dataclass
class Registry:
    """A seeded registry on one engine, and what it took to build it."""

    engine: str
    env: dict[str, str]
    facts: dict[str, Any] = field(default_factory=dict)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"GREENCERT_DEBUG", "DJANGO_DEBUG"}}
    env.pop("GREENCERT_DATABASE_URL", None)
    env["GREENCERT_HOME"] = str(ROOT)
    env["GREENCERT_VAR_DIR"] = str(WORK / "var")
    env["GREENCERT_LOG_LEVEL"] = "ERROR"
    return env | extra


def _greencert(env: dict[str, str], *args: str) -> str:
    """Run the console command, passing its output through; return the output."""
    process = subprocess.Popen(
        [str(BIN / "greencert"), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        sys.stderr.write(f"    {line}")
        lines.append(line)
    if process.wait() != 0:
        raise RuntimeError(f"greencert {' '.join(args)} failed:\n{''.join(lines[-20:])}")
    return "".join(lines)


def _seed(registry: Registry) -> dict[str, Any]:
    _greencert(registry.env, "migrate", "--no-input", "-v", "0")
    started = time.perf_counter()
    options = ["--certificates", str(CERTIFICATES), "--seed", str(SEED), "--today", TODAY]
    output = _greencert(registry.env, "seed", *options)
    wall = time.perf_counter() - started
    done = re.search(
        r"seeded (\d+) certificates, (\d+) events, (\d+) enterprises.* in ([\d.]+)s"
        r"(?: \(cpu ([\d.]+)s\))?",
        output,
    )
    if not done:
        raise RuntimeError(f"unexpected seed output:\n{output}")
    return {
        "key": _key(),
        "certificates": int(done.group(1)),
        "events": int(done.group(2)),
        "enterprises": int(done.group(3)),
        "seed_seconds": round(wall, 1),
        "seed_seconds_in_command": float(done.group(4)),
        "seed_cpu_seconds": float(done.group(5)) if done.group(5) else None,
        "seeded_on": time.strftime("%Y-%m-%d %H:%M"),
        "load_average_before": round(os.getloadavg()[0], 2),
    }


def _key() -> str:
    return f"{CERTIFICATES}-{SEED}-{TODAY}"


def sqlite_registry() -> Registry:
    directory = WORK / f"sqlite-{_key()}"
    registry = Registry("SQLite", _env(GREENCERT_VAR_DIR=str(directory)))
    state = directory / "seeded.json"
    database = directory / "greencert.sqlite3"
    if state.exists() and database.exists():
        registry.facts = json.loads(state.read_text()) | {"reused": True}
        _greencert(registry.env, "migrate", "--no-input", "-v", "0")
        return registry
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    facts = _seed(registry)
    facts["database_bytes"] = database.stat().st_size
    state.write_text(json.dumps(facts, indent=2))
    registry.facts = facts | {"reused": False}
    return registry


def _pg_url(database: str) -> str:
    parts = urlsplit(PG_URL)
    return urlunsplit(parts._replace(path=f"/{database}"))


def postgresql_registry() -> Registry | None:
    """The registry on PostgreSQL, or None when no server answers at GREENCERT_BENCH_PG_URL."""
    try:
        import psycopg
    except ImportError:
        return None
    name = f"greencert_bench_{CERTIFICATES}_{SEED}"
    url = _pg_url(name)
    registry = Registry("PostgreSQL", _env(GREENCERT_DATABASE_URL=url))
    state = WORK / f"postgresql-{_key()}.json"
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.Error:
        return None
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and state.exists():
            facts = json.loads(state.read_text())
            with psycopg.connect(url) as conn:
                row = conn.execute("SELECT count(*) FROM certification_certificate").fetchone()
            if row and row[0] == facts["certificates"]:
                registry.facts = facts | {"reused": True}
                _greencert(registry.env, "migrate", "--no-input", "-v", "0")
                return registry
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    facts = _seed(registry)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load anyway
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        facts["database_bytes"] = row[0] if row else 0
    WORK.mkdir(exist_ok=True)
    state.write_text(json.dumps(facts, indent=2))
    registry.facts = facts | {"reused": False}
    return registry


def sample_numbers(registry: Registry) -> tuple[Path, Path]:
    """SAMPLE existing certificates drawn with a fixed seed: their registry numbers and their
    bodies' own numbers, each written one a line."""
    path = WORK / f"numbers-{_key()}.txt"
    body_path = WORK / f"body-numbers-{_key()}.txt"
    if path.exists() and body_path.exists():
        return path, body_path
    sql = "SELECT number, body_number FROM certification_certificate"
    if registry.engine == "SQLite":
        database = Path(registry.env["GREENCERT_VAR_DIR"]) / "greencert.sqlite3"
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
            pairs = [(r[0], r[1]) for r in conn.execute(sql)]
    else:
        import psycopg

        with psycopg.connect(registry.env["GREENCERT_DATABASE_URL"]) as conn:
            pairs = [(r[0], r[1]) for r in conn.execute(sql).fetchall()]
    pairs.sort()
    chosen = random.Random(SEED).sample(pairs, min(SAMPLE, len(pairs)))
    path.write_text("\n".join(number for number, _ in chosen) + "\n")
    body_path.write_text("\n".join(body_number for _, body_number in chosen) + "\n")
    return path, body_path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(registry: Registry) -> Iterator[str]:
    """gunicorn serving the registry; yields its base URL and always stops it."""
    port = _free_port()
    log = (WORK / f"gunicorn-{registry.engine.lower()}.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "greencert.wsgi", *GUNICORN, "--bind", f"127.0.0.1:{port}"],
        env=registry.env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
        start_new_session=True,  # its own process group: the workers are stopped with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        _stop(server)
        log.close()


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    with contextlib.suppress(ProcessLookupError):  # a worker that outlived its master
        os.killpg(server.pid, signal.SIGKILL)


# What is measured, in the order each run goes through them: (name, how it reads in the table,
# wrk's path, whether a random existing number follows the path and from which list).
TARGETS = (
    ("control", "control: a bare Django view", "/bench/control", None),
    ("healthz", "`GET /healthz`", "/healthz", None),
    ("lookup", "`GET /api/v1/certificates/{n}`", "/api/v1/certificates/", "numbers"),
    ("body_lookup", "`GET /api/v1/certificates/{body n}`", "/api/v1/certificates/", "body"),
    ("verify", "`GET /verify/{n}` (HTML page)", "/verify/", "numbers"),
    ("scan", "`GET /V/{n}` (QR scan: counted, redirected)", "/V/", "numbers"),
    (
        "conditional",
        "`GET /api/v1/certificates/{n}` with `If-None-Match` → 304",
        "/api/v1/certificates/",
        "numbers",
    ),
)
# Sent with `If-None-Match: *`: only a 304 counts as a good answer.
CONDITIONAL = {"conditional"}
# Goals of issue 18, per endpoint: throughput against the control and against /healthz, p99.
GOALS: dict[str, dict[str, float]] = {
    "lookup": {"control": 0.4, "healthz": 0.9, "p99_ms": 20.0},
    "body_lookup": {"control": 0.4, "healthz": 0.9, "p99_ms": 20.0},
    "verify": {"control": 0.2, "p99_ms": 40.0},
    "scan": {"control": 0.15},
    # A conditional GET answered 304 at least as fast as /healthz.
    "conditional": {"healthz": 1.0},
}


def wrk(
    base: str, path: str, numbers: Path | None, seconds: int, conditional: bool = False
) -> dict[str, float]:
    """One wrk run of ``path``, followed by a random number of ``numbers`` when given;
    ``conditional`` sends ``If-None-Match: *`` and counts only 304 answers as good."""
    script = str(BENCH_DIR / "lookup.lua")
    load = [f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    args = [path, *([str(numbers)] if numbers else []), *(["conditional"] if conditional else [])]
    command = ["wrk", *load, "-s", script, base, "--", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = re.search(r"^GREENCERT (.+)$", result.stdout, re.M)
    if result.returncode != 0 or not line:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout}{result.stderr}")
    figures = {k: float(v) for k, v in (pair.split("=") for pair in line.group(1).split())}
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def _check_answers(base: str, numbers: Path, body_numbers: Path) -> None:
    """A few requests by hand: the lookup must answer 200 with the certificate asked for, by
    either number, the verify page 200 and the control its constant."""
    pairs = zip(numbers.read_text().split()[:5], body_numbers.read_text().split()[:5], strict=True)
    for number, body_number in pairs:
        for typed in (number, body_number):
            url = f"{base}/api/v1/certificates/{typed}"
            with urllib.request.urlopen(url, timeout=10) as answer:
                body = json.load(answer)
                if answer.status != 200 or body.get("number") != number:
                    raise RuntimeError(f"lookup of {typed} answered {answer.status}: {body}")
        with urllib.request.urlopen(f"{base}/verify/{number}", timeout=10) as answer:
            if answer.status != 200 or number not in answer.read().decode():
                raise RuntimeError(f"the verify page of {number} answered {answer.status}")
    with urllib.request.urlopen(f"{base}/bench/control", timeout=10) as answer:
        if json.load(answer) != {"ok": True}:
            raise RuntimeError("the control endpoint is not the bare view")


def measure(
    registry: Registry, numbers: Path, body_numbers: Path
) -> dict[str, list[dict[str, float]]]:
    runs: dict[str, list[dict[str, float]]] = {name: [] for name, *_ in TARGETS}
    files = {"numbers": numbers, "body": body_numbers, None: None}
    registry = Registry(registry.engine, registry.env | {"GREENCERT_BENCH_CONTROL": "1"})
    with serving(registry) as base:
        _check_answers(base, numbers, body_numbers)
        for name, _, path, source in TARGETS:
            wrk(base, path, files[source], WARM_UP_SECONDS, name in CONDITIONAL)
        for i in range(RUNS):
            # Alternate them, so a change in the machine's load falls on each alike.
            for name, _, path, source in TARGETS:
                figures = wrk(base, path, files[source], SECONDS, name in CONDITIONAL)
                runs[name].append(figures)
                sys.stderr.write(
                    f"    {registry.engine} {name} run {i + 1}: {figures['rps']:,.0f} req/s, "
                    f"p99 {figures['p99_us'] / 1000:.1f} ms, bad {figures['bad']:.0f}\n"
                )
    return runs


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _rows(registry: Registry, runs: dict[str, list[dict[str, float]]]) -> tuple[list[str], str]:
    rows = []
    control, healthz = _median(runs["control"], "rps"), _median(runs["healthz"], "rps")
    for name, label, *_ in TARGETS:
        r = runs[name]
        errors = sum(x["connect"] + x["read"] + x["write"] + x["timeout"] for x in r)
        per_run = " / ".join(f"{x['rps']:,.0f}" for x in r)
        rps = _median(r, "rps")
        rows.append(
            f"| {registry.engine} | {label} | {rps:,.0f} | {per_run} | {rps / control:.2f} | "
            f"{rps / healthz:.2f} | {_median(r, 'p50_us') / 1000:.2f} | "
            f"{_median(r, 'p90_us') / 1000:.2f} | {_median(r, 'p99_us') / 1000:.2f} | "
            f"{sum(x['bad'] for x in r):.0f} | {errors:.0f} |"
        )
    verdicts = []
    for name, goal in GOALS.items():
        label = next(label for n, label, *_ in TARGETS if n == name)
        rps, p99 = _median(runs[name], "rps"), _median(runs[name], "p99_us") / 1000
        bad = sum(x["bad"] for x in runs[name])
        checks = []
        if "control" in goal:
            checks.append(
                (
                    f"× control = **{rps / control:.2f}** (≥ {goal['control']})",
                    rps / control >= goal["control"],
                )
            )
        if "healthz" in goal:
            checks.append(
                (
                    f"× healthz = **{rps / healthz:.2f}** (≥ {goal['healthz']})",
                    rps / healthz >= goal["healthz"],
                )
            )
        if "p99_ms" in goal:
            checks.append((f"p99 **{p99:.1f} ms** (≤ {goal['p99_ms']:.0f})", p99 <= goal["p99_ms"]))
        unexpected = "other than 304" if name in CONDITIONAL else "outside 200–399"
        checks.append((f"answers {unexpected}: {bad:.0f}", bad == 0))
        met = all(ok for _, ok in checks)
        verdicts.append(
            f"- **{registry.engine}**, {label}: {'; '.join(text for text, _ in checks)} → goal "
            f"**{'met' if met else 'not met'}**."
        )
    return rows, "\n".join(verdicts)


def _data_line(registry: Registry) -> str:
    f = registry.facts
    cpu = f" (CPU {f['seed_cpu_seconds']:.0f} s)" if f.get("seed_cpu_seconds") else ""
    how = "reused, seeded" if f.get("reused") else "seeded"
    return (
        f"- **{registry.engine}**: {f['certificates']:,} certificates, {f['events']:,} events, "
        f"{f['enterprises']:,} enterprises; database {f.get('database_bytes', 0) / 2**30:.2f} GiB. "
        f"`greencert seed --certificates {CERTIFICATES} --seed {SEED} --today {TODAY}` took "
        f"**{f['seed_seconds']:.0f} s** wall{cpu} ({how} {f['seeded_on']}, load average "
        f"{f.get('load_average_before', '?')} before it)."
    )


def run() -> str:
    if hasattr(os, "sched_setaffinity"):  # undo any pinning inherited from another benchmark
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    if not shutil.which("wrk"):
        return "## Certificate lookup under load\n\n_Skipped: `wrk` is not installed._\n"
    WORK.mkdir(exist_ok=True)
    engines = os.environ.get("GREENCERT_BENCH_ENGINES", "sqlite,postgresql").split(",")
    registries: list[Registry] = []
    notes = []
    if "sqlite" in engines:
        registries.append(sqlite_registry())
    if "postgresql" in engines:
        pg = postgresql_registry()
        if pg is None:
            notes.append(f"- PostgreSQL: skipped, no server answered at `{PG_URL}`.")
        else:
            registries.append(pg)
    table, verdicts = [], []
    for registry in registries:
        numbers, body_numbers = sample_numbers(registry)
        runs = measure(registry, numbers, body_numbers)
        rows, verdict = _rows(registry, runs)
        table += rows
        verdicts.append(verdict)
    lines = [
        "## Certificate lookup under load (`bench_lookup`)",
        "",
        f"gunicorn `greencert.wsgi --workers 2 --threads 4 --worker-class gthread` (no access "
        f"log, DEBUG off) and `wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s --latency` on the "
        f"same machine, after a {WARM_UP_SECONDS} s warm-up of each endpoint; the endpoints "
        f"alternate, {RUNS} runs each, figures are medians. Lookups, verify pages and QR scans "
        f"ask for numbers drawn at random from {SAMPLE:,} existing ones (fixed seed); lookups "
        "also by the body's own number of the same certificates. The control is a bare Django "
        'view answering `{"ok": true}` through the site\'s full middleware chain, served only '
        "with `GREENCERT_BENCH_CONTROL=1`: what any request costs here before it does any work. "
        "`/V/{n}` counts the scan (a write) and answers with a redirect to the verify page, "
        "which is not followed. Goals (issue 18): lookup ≥ 0.4 × control and ≥ 0.9 × health "
        "check, p99 ≤ 20 ms; verify page ≥ 0.2 × control, p99 ≤ 40 ms; `/V/{n}` ≥ 0.15 × control; "
        "no answer outside 200–399. The earlier goal (lookup ≥ 0.7 × health check, p99 ≤ 20 ms) "
        "is within the first.",
        "",
        "Data:",
        "",
        *(_data_line(r) for r in registries),
        *notes,
        "",
        "| engine | endpoint | req/s (median) | req/s per run | × control | × healthz "
        "| p50 ms | p90 ms | p99 ms | outside 200–399 | socket errors |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *table,
        "",
        *verdicts,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
