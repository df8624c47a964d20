"""The transparency log of a node that missed many events: its catch-up from an empty tree, and the
time from a commit to its signed checkpoint with the worker running, on SQLite and PostgreSQL.

For each engine a fresh registry is built: ``greencert seed`` (200 certificates), then valid
``changed`` events (status 01 → 01 on the seeded valid certificates) are inserted in bulk — the
append-only triggers allow inserts — up to ``GREENCERT_BENCH_CATCH_UP_EVENTS`` events in all
(100,000 by default, so that ``make bench`` stays short; ``GREENCERT_BENCH_CATCH_UP_EVENTS=1000000``
is the figure the goal speaks of: ≤ 10 minutes). With the log's hook off, so that nothing logs
them on the way, then:

- catch-up — ``storage.catch_up()`` from an empty tree over every event (hashing, storing every
  complete subtree, signing the checkpoint), ``GREENCERT_BENCH_CATCH_UP_RUNS`` times (3), the log's
  tables emptied between runs; the median;
- commit to checkpoint — ``greencert worker`` (huey's consumer) runs as its own process; single
  events are committed one at a time as an action commits them (the commit's hook queues the
  catch-up), and the time from the start of the committing transaction until a signed checkpoint
  covers the event is read by polling the checkpoints every 10 ms; 20 commits after one warm-up.

PostgreSQL: ``GREENCERT_BENCH_TLOG_PG_URL`` names a database the benchmark empties (its ``public``
schema is dropped) and fills; by default ``greencert_bench_tlog`` on the server of
``GREENCERT_BENCH_PG_URL``, created when missing. The machine is shared: the figures move with
what else runs, so the load average before and after each engine's run is printed beside them.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVENTS = 100_000
EVENTS = int(os.environ.get("GREENCERT_BENCH_CATCH_UP_EVENTS", str(DEFAULT_EVENTS)))
RUNS = int(os.environ.get("GREENCERT_BENCH_CATCH_UP_RUNS", "3"))
COMMITS = 20
SEED_CERTIFICATES = 200
GOAL_SECONDS_PER_MILLION = 600
PG_SERVER = os.environ.get("GREENCERT_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_URL = os.environ.get(
    "GREENCERT_BENCH_TLOG_PG_URL",
    urlunsplit(urlsplit(PG_SERVER)._replace(path="/greencert_bench_tlog")),
)
INSERT_BATCH = 20_000


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} / {five:.2f}"


# In the child: one engine


def _bulk_events(total: int) -> int:
    """Insert valid events after the seeded ones until the log holds ``total``; returns how many."""
    import datetime as dt

    from django.db import connection, transaction

    from greencert.certification.lifecycle.log import EVENT_SEQUENCE
    from greencert.certification.models import Certificate, CertificateEvent
    from greencert.core.sequence import current_value

    start = current_value(EVENT_SEQUENCE)
    certificates = list(Certificate.objects.filter(status="01").values_list("pk", flat=True))
    last = CertificateEvent.objects.order_by("-sequence").values_list("recorded_at", flat=True)[0]
    base = last + dt.timedelta(seconds=1)
    table = CertificateEvent._meta.db_table
    sql = (
        f"INSERT INTO {table} (sequence, certificate_id, event_type, status_before, status_after, "
        "reason_code, actor_id, actor_label, payload, effective_at, recorded_at) "
        "VALUES (%s, %s, 'changed', '01', '01', '', NULL, 'bench', %s, %s, %s)"
    )
    sequence = start
    while sequence < total:
        end = min(total, sequence + INSERT_BATCH)
        rows = []
        for n in range(sequence + 1, end + 1):
            at = base + dt.timedelta(milliseconds=n - start)
            rows.append((n, certificates[n % len(certificates)], "{}", at, at))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
            cursor.execute(
                "UPDATE core_counter SET value = %s WHERE name = %s", [end, EVENT_SEQUENCE]
            )
        sequence = end
    return total - start


def _empty_log() -> None:
    """Empty the log's tables, append-only as they are: TRUNCATE on PostgreSQL (row triggers do
    not see it), the purge flag on SQLite (``core.purge``)."""
    from django.db import connection, transaction

    from greencert.core.purge import allow_purge
    from greencert.exchange.models import LogCheckpoint, LogHash

    tables = [LogHash._meta.db_table, LogCheckpoint._meta.db_table]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            with allow_purge():
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")


def _commit_to_checkpoint(env: dict[str, str]) -> list[float]:
    """Seconds from the start of each committing transaction to a checkpoint that covers it,
    with ``greencert worker`` running in its own process."""
    from django.db import transaction

    from greencert.certification.lifecycle.log import NewEvent, append_events
    from greencert.certification.models import Certificate
    from greencert.core.actors import Actor
    from greencert.core.projections import register_projection
    from greencert.exchange.models import LogCheckpoint
    from greencert.exchange.tlog import hooks

    register_projection(
        "transparency log",
        hooks.catch_up_after_commit,
        hooks.rebuild,
        project_many=hooks.catch_up_many_after_commit,
    )
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("greencert")), "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    actor = Actor.for_system("bench")
    certificate = Certificate.objects.filter(status="01").first()
    assert certificate is not None

    def one() -> float:
        started = time.perf_counter()
        with transaction.atomic():
            (event,) = append_events(actor, [NewEvent(certificate, "changed", "01", "01")])
        deadline = started + 60
        while time.perf_counter() < deadline:
            if LogCheckpoint.objects.filter(size__gte=event.sequence).exists():
                return time.perf_counter() - started
            time.sleep(0.01)
        raise RuntimeError(f"no checkpoint covered event {event.sequence} within 60 s")

    try:
        one()  # the worker's start-up
        samples = []
        for _ in range(COMMITS):
            samples.append(one())
            time.sleep(0.2)
        return samples
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _child(env: dict[str, str]) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from greencert.core.projections import unregister_projection
    from greencert.exchange.tlog import storage

    load_before = _load()
    call_command("migrate", "--no-input", verbosity=0)
    unregister_projection("transparency log")
    call_command("seed", "--certificates", str(SEED_CERTIFICATES), "--seed", "2021", verbosity=0)
    started = time.perf_counter()
    inserted = _bulk_events(EVENTS)
    insert_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    runs = []
    for _ in range(RUNS):
        _empty_log()
        assert storage.logged_size() == 0
        started = time.perf_counter()
        logged = storage.catch_up()
        runs.append(time.perf_counter() - started)
        assert logged == EVENTS, (logged, EVENTS)
    size = storage.latest_checkpoint().size  # type: ignore[union-attr]
    to_checkpoint = _commit_to_checkpoint(env)
    print(
        json.dumps(
            {
                "engine": connection.vendor,
                "events": EVENTS,
                "inserted": inserted,
                "insert_seconds": insert_seconds,
                "catch_up_runs": runs,
                "tree_size": size,
                "to_checkpoint": to_checkpoint,
                "load_before": load_before,
                "load_after": _load(),
            }
        )
    )


# In the parent: both engines, one child each


def _reset_postgresql() -> str | None:
    """Empty (or create) the benchmark's PostgreSQL database; None when no server answers."""
    try:
        import psycopg
    except ImportError:
        return None
    name = urlsplit(PG_URL).path.lstrip("/")
    try:
        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                admin.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(PG_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    except psycopg.Error as error:
        return f"not reachable ({type(error).__name__})"
    return ""


def _measure(database_url: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="greencert-bench-catch-up-") as directory:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "greencert.settings",
            "GREENCERT_VAR_DIR": directory,
            "GREENCERT_DEBUG": "0",
            "GREENCERT_TASKS_URL": "",
        }
        env.pop("GREENCERT_DATABASE_URL", None)
        if database_url:
            env["GREENCERT_DATABASE_URL"] = database_url
        result = subprocess.run(
            [sys.executable, __file__, "--child"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def _row(f: dict[str, Any]) -> list[str]:
    engine = "SQLite" if f["engine"] == "sqlite" else "PostgreSQL"
    catch_up = statistics.median(f["catch_up_runs"])
    per_run = " / ".join(f"{s:.1f}" for s in f["catch_up_runs"])
    samples = sorted(f["to_checkpoint"])
    p90 = samples[int(0.9 * (len(samples) - 1))]
    return [
        f"| {engine} | {f['events']:,} | {catch_up:.1f} s ({per_run}) | "
        f"{f['events'] / catch_up:,.0f} | {statistics.median(samples) * 1000:.0f} ms | "
        f"{p90 * 1000:.0f} ms | {samples[-1] * 1000:.0f} ms | {f['load_before']} → "
        f"{f['load_after']} |"
    ]


def run() -> str:
    results = [_measure(None)]
    notes = []
    problem = _reset_postgresql()
    if problem is None or problem:
        notes.append(f"- PostgreSQL: skipped, {problem or 'psycopg is not installed'}.")
    else:
        results.append(_measure(PG_URL))
    lines = [
        "## Transparency log catch-up after missed events (`bench_tlog_catch_up`)",
        "",
        f"A node whose log missed every event: {results[0]['events']:,} events (200 seeded "
        "certificates, then valid events inserted in bulk), logged by `storage.catch_up()` from "
        f"an empty tree (hash, store every complete subtree, sign the checkpoint); median of "
        f"{RUNS} runs, each run's seconds in brackets. Then, with `greencert worker` (huey's "
        f"consumer) running as its own process, {COMMITS} single-event commits: the time from "
        "the start of the committing transaction to a signed checkpoint covering the event "
        "(polled every 10 ms; the idle worker looks for tasks every 0.5 s at most). "
        f"The size is a parameter: `make bench` runs {DEFAULT_EVENTS:,} events by default, "
        "`GREENCERT_BENCH_CATCH_UP_EVENTS=1000000` the goal's million. The machine "
        "(2 cores) was shared with other work while this ran; the load average (1 / 5 min) "
        "before and after each engine's run is in the last column.",
        "",
        "| engine | events | catch-up (median) | events/s | commit → checkpoint (median) "
        "| p90 | max | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for figures in results:
        lines += _row(figures)
    lines.append("")
    for figures in results:
        engine = "SQLite" if figures["engine"] == "sqlite" else "PostgreSQL"
        median = statistics.median(figures["catch_up_runs"])
        per_million = median * 1_000_000 / figures["events"]
        verdict = "met" if per_million <= GOAL_SECONDS_PER_MILLION else "not met"
        scaled = "" if figures["events"] == 1_000_000 else " (scaled linearly from this run)"
        lines.append(
            f"- **{engine}**: catch-up of 1,000,000 events {per_million:.0f} s{scaled} "
            f"(goal ≤ {GOAL_SECONDS_PER_MILLION} s) → goal **{verdict}**."
        )
    lines += notes
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child(dict(os.environ))
    else:
        print(run())
