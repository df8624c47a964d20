"""The bodies' write API under load: single-certificate issues through ``POST /api/v1/certificates``.

A registry of 100,000 certificates (``greencert seed``) is built afresh on each engine for every
run, since the benchmark writes into it; on PostgreSQL it is the database
``greencert_bench_write_api`` (dropped and created again). A ``certify`` client is registered for
the demo body 上海示例绿色认证中心 (CNCA-R-1999-901). gunicorn serves it as in production
(gthread, 2 workers × 4 threads, no access log, DEBUG off), and 16 client threads, each on its
own keep-alive connection, issue certificates one request at a time for a fixed time: every
request has its own
``Idempotency-Key``, its own body number and a new holder, so each one registers an enterprise,
issues a certificate and appends its event. Figures: requests per second, and the median and p99
latency of each request as the client saw it. Afterwards the registry must hold exactly one new
certificate per 201 answer.

Then a retry storm: the same 16 clients send requests already answered again (same keys and
bodies); each must be replayed (``Idempotent-Replayed: true``) and write nothing.

Environment: ``GREENCERT_BENCH_ENGINES`` (default ``sqlite,postgresql``), ``GREENCERT_BENCH_PG_URL``
(a server's maintenance database), ``GREENCERT_BENCH_WRITE_SECONDS`` (15 per run, three runs of each phase),
``GREENCERT_BENCH_WRITE_BASE`` (100000 seeded certificates).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_lookup as lookup

CLIENTS = 16
BASE_CERTIFICATES = int(os.environ.get("GREENCERT_BENCH_WRITE_BASE", "100000"))
SEED = 2021
SECONDS = int(os.environ.get("GREENCERT_BENCH_WRITE_SECONDS", "15"))
RUNS = 3  # of each phase; the table gives medians, since the machine's load moves them
WARM_UP_SECONDS = 3
BODY = "CNCA-R-1999-901"  # body numbers DMSH<yy>GP<6 digits>
FIRST_SERIAL = 900_000  # far above the serials the seed gave the body
PG_DATABASE = "greencert_bench_write_api"
UNIT = "水性外墙涂料"


def _setup_child() -> None:
    """In a child with the registry's settings: approve the body for coatings, register the
    client, print its token."""
    import django

    django.setup()
    from greencert.catalog.models import Category
    from greencert.core.actors import Actor
    from greencert.exchange.actions import create_client
    from greencert.parties.models import CertificationBody

    body = CertificationBody.objects.get(approval_number=BODY)
    body.categories.add(Category.objects.get(code="coatings"))
    _, token = create_client(
        Actor.for_system("console"),
        name="bench-writer",
        scopes=["certify"],
        body=body,
        rate_limit_per_minute=10_000_000,
    )
    print(json.dumps({"token": token}))


def _child(registry: lookup.Registry, flag: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, flag],
        env=registry.env | {"DJANGO_SETTINGS_MODULE": "greencert.settings"},
        cwd=lookup.ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{flag} failed:\n{result.stdout}{result.stderr[-3000:]}")
    answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def _count_child() -> None:
    import django

    django.setup()
    from greencert.certification.models import Certificate, CertificateEvent
    from greencert.exchange.models import IdempotentRequest
    from greencert.parties.models import Enterprise

    print(
        json.dumps(
            {
                "certificates": Certificate.objects.count(),
                "events": CertificateEvent.objects.count(),
                "enterprises": Enterprise.objects.count(),
                "keys": IdempotentRequest.objects.count(),
            }
        )
    )


def _seed(registry: lookup.Registry) -> None:
    lookup._greencert(registry.env, "migrate", "--no-input", "-v", "0")
    lookup._greencert(
        registry.env, "seed", "--certificates", str(BASE_CERTIFICATES), "--seed", str(SEED)
    )


def sqlite_registry() -> lookup.Registry:
    directory = lookup.WORK / "write-api-sqlite"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    registry = lookup.Registry("SQLite", lookup._env(GREENCERT_VAR_DIR=str(directory)))
    _seed(registry)
    return registry


def postgresql_registry() -> lookup.Registry | None:
    try:
        import psycopg
    except ImportError:
        return None
    try:
        admin = psycopg.connect(lookup.PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.Error:
        return None
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        admin.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    env = lookup._env(
        GREENCERT_DATABASE_URL=lookup._pg_url(PG_DATABASE),
        GREENCERT_VAR_DIR=str(lookup.WORK / "write-api-postgresql"),
    )
    registry = lookup.Registry("PostgreSQL", env)
    _seed(registry)
    return registry


class Holders:
    """Valid credit codes (GB 32100-2015) nobody registered yet, one per request."""

    def __init__(self) -> None:
        self._rng = random.Random(SEED)
        self._lock = threading.Lock()

    def next(self) -> str:
        from greencert.core.checkchars import USCC_CHARSET, org_code_check_char, uscc_check_char

        with self._lock:
            org8 = "".join(self._rng.choice(USCC_CHARSET) for _ in range(8))
        first17 = "91330500" + org8 + org_code_check_char(org8)
        return first17 + uscc_check_char(first17)


def _payload(serial: int, holder: str, issue_date: str) -> dict[str, Any]:
    year = dt.date.fromisoformat(issue_date).year % 100
    return {
        "body_number": f"DMSH{year:02d}GP{serial:06d}",
        "holder_credit_code": holder,
        "holder_name": f"湖州基准涂料{serial}有限公司",
        "category": "coatings",
        "certification_unit": UNIT,
        "products": [{"name": UNIT, "models": [f"BX-{serial}"]}],
        "production_site": "湖州市吴兴区绿色路 2 号",
        "site_region": "330500",
        "issue_date": issue_date,
    }


class Load:
    """16 clients issuing for a while; keeps every answered request for the retry phase."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port, self.token = host, port, token
        self.holders = Holders()
        self.serial = FIRST_SERIAL
        self.lock = threading.Lock()
        self.issue_date = (dt.date.today() - dt.timedelta(days=10)).isoformat()
        self.answered: list[tuple[str, bytes]] = []

    def _next_request(self) -> tuple[str, bytes]:
        with self.lock:
            self.serial += 1
            serial = self.serial
        body = _payload(serial, self.holders.next(), self.issue_date)
        return str(uuid.uuid4()), json.dumps(body, ensure_ascii=False).encode()

    def _send(self, conn: http.client.HTTPConnection, key: str, body: bytes) -> tuple[int, dict]:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }
        conn.request("POST", "/api/v1/certificates", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, dict(response.getheaders())

    def phase(self, seconds: float, *, retry: bool, clients: int = CLIENTS) -> dict[str, Any]:
        """Run ``clients`` for ``seconds``; latencies in seconds and answers by status."""
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        replayed = 0
        deadline = time.perf_counter() + seconds
        pool = list(self.answered)
        errors: list[BaseException] = []

        def client(index: int) -> None:
            nonlocal replayed
            rng = random.Random(index)
            conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            mine: list[float] = []
            try:
                while time.perf_counter() < deadline:
                    key, body = rng.choice(pool) if retry else self._next_request()
                    started = time.perf_counter()
                    status, headers = self._send(conn, key, body)
                    mine.append(time.perf_counter() - started)
                    with self.lock:
                        statuses[status] = statuses.get(status, 0) + 1
                        if headers.get("Idempotent-Replayed") == "true":
                            replayed += 1
                        if status == 201 and not retry:
                            self.answered.append((key, body))
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                conn.close()
                with self.lock:
                    latencies.extend(mine)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        if errors:
            raise RuntimeError(f"a client failed: {errors[0]!r}")
        latencies.sort()
        return {
            "requests": len(latencies),
            "seconds": elapsed,
            "rps": len(latencies) / elapsed,
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000,
            "statuses": statuses,
            "replayed": replayed,
        }


def measure(registry: lookup.Registry) -> dict[str, Any]:
    token = _child(registry, "--setup-child")["token"]
    before = _child(registry, "--count-child")
    issues, retries = [], []
    with lookup.serving(registry) as base:
        host, port = base.removeprefix("http://").split(":")
        load = Load(host, int(port), token)
        load.phase(WARM_UP_SECONDS, retry=False)
        alone = load.phase(SECONDS, retry=False, clients=1)
        sys.stderr.write(f"    {registry.engine} issues by one client: {alone}\n")
        for i in range(RUNS):
            issues.append(load.phase(SECONDS, retry=False))
            sys.stderr.write(f"    {registry.engine} issues run {i + 1}: {issues[-1]}\n")
        mid = _child(registry, "--count-child")
        for i in range(RUNS):
            retries.append(load.phase(SECONDS, retry=True))
            sys.stderr.write(f"    {registry.engine} retries run {i + 1}: {retries[-1]}\n")
    after = _child(registry, "--count-child")
    created = mid["certificates"] - before["certificates"]
    if created != len(load.answered):
        raise RuntimeError(f"{len(load.answered)} answered 201 but {created} certificates written")
    if after != mid:
        raise RuntimeError(f"the retries wrote: {mid} before, {after} after")
    not_replayed = sum(r["requests"] - r["replayed"] for r in retries)
    if not_replayed:
        raise RuntimeError(f"{not_replayed} retries not replayed")
    return {"alone": [alone], "issues": issues, "retries": retries, "written": created}


def _row(engine: str, what: str, runs: list[dict[str, Any]]) -> str:
    statuses: dict[int, int] = {}
    for r in runs:
        for status, count in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    answers = ", ".join(f"{k}: {v:,}" for k, v in sorted(statuses.items()))
    per_run = " / ".join(f"{r['rps']:,.1f}" for r in runs)

    def median(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    return (
        f"| {engine} | {what} | **{median('rps'):,.1f}** | {per_run} | {median('p50_ms'):.0f} | "
        f"{median('p99_ms'):.0f} | {answers} |"
    )


def run() -> str:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    lookup.WORK.mkdir(exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greencert.settings")
    engines = os.environ.get("GREENCERT_BENCH_ENGINES", "sqlite,postgresql").split(",")
    table, notes = [], []
    for engine in engines:
        registry = sqlite_registry() if engine == "sqlite" else postgresql_registry()
        if registry is None:
            notes.append(f"- PostgreSQL: skipped, no server answered at `{lookup.PG_URL}`.")
            continue
        figures = measure(registry)
        table.append(_row(registry.engine, "issue, 1 client alone", figures["alone"]))
        table.append(_row(registry.engine, f"issue, {CLIENTS} clients", figures["issues"]))
        table.append(_row(registry.engine, f"retry, {CLIENTS} clients", figures["retries"]))
    lines = [
        "## Bodies' write API (`bench_write_api`)",
        "",
        f"`POST /api/v1/certificates` from {CLIENTS} concurrent clients (threads with keep-alive "
        f"connections, one request at a time each) against gunicorn `--workers 2 --threads 4 "
        f"--worker-class gthread` on the same machine, on a fresh registry of "
        f"{BASE_CERTIFICATES:,} seeded certificates per engine; after a {WARM_UP_SECONDS} s "
        f"warm-up, {RUNS} runs of {SECONDS} s of each phase, figures are medians of the runs. "
        "Each issue carries its own `Idempotency-Key`, body number and new holder (an "
        "enterprise is registered, the certificate issued and its event appended, with the key "
        "and the answer stored in the same transaction); the certificates written are counted "
        "against the 201 answers. The retry phase sends answered requests again with their "
        "keys: every one must be replayed (`Idempotent-Replayed: true`) and the registry must "
        "not change. A run with one client alone gives each issue's own cost without queueing. "
        "Latency is per request as the client saw it. Issues queue on the gapless "
        "event sequence and the province's certificate-number counter, each held from its "
        "increment to the commit; on SQLite every write transaction also holds the database's "
        "write lock from its start.",
        "",
        *notes,
        "| engine | requests | req/s (median) | req/s per run | p50 ms | p99 ms | answers |",
        "| --- | --- | ---: | --- | ---: | ---: | --- |",
        *table,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if "--setup-child" in sys.argv:
        _setup_child()
    elif "--count-child" in sys.argv:
        _count_child()
    else:
        print(run())
