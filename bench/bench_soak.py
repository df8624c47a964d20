"""A soak under faults (``make soak``): mixed load against gunicorn on a PostgreSQL server of its
own while a worker is killed, the gunicorn master restarted and PostgreSQL restarted.

The script starts PostgreSQL 15 in a temporary directory (``initdb``/``pg_ctl`` from
``GREENCERT_PG_BIN``, default ``/usr/lib/postgresql/15/bin``), migrates, seeds
``SOAK_CERTIFICATES`` certificates (2,000), registers a ``certify`` client for the demo body and
serves with gunicorn (gthread, 2 workers × 4 threads) beside ``greencert worker``. Eight clients
then send for ``SOAK_SECONDS`` (600): verify pages, certificate API answers, batch verification,
search, checkpoints, and certificate issues through the bodies' write API (office writes), each
issue with its own ``Idempotency-Key`` and retried with the same key after an error.

Faults at a quarter, half and three quarters of the time: SIGKILL of one gunicorn worker; the
gunicorn master stopped (SIGTERM) and started again; PostgreSQL restarted (``pg_ctl restart -m
fast``). For each: requests, errors by kind and p50/p99 in the window before, during (the fault
and the next ``window`` seconds) and after. Memory (RSS) of every process at start and end.
Afterwards: the event log must be gapless and without duplicates, and each issue answered 201
must have made exactly one certificate, whatever the retries (no loss, no duplicate).
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_write_api as writes

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("GREENCERT_PG_BIN", "/usr/lib/postgresql/15/bin"))
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
CERTIFICATES = int(os.environ.get("SOAK_CERTIFICATES", "2000"))
CLIENTS = 8
SERIAL_BASE = 800_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


class Node:
    """PostgreSQL, gunicorn and the worker, in a temporary directory."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.pg_port, self.http_port = free_port(), free_port()
        self.pgdata = work / "pg"
        url = f"postgres://postgres@127.0.0.1:{self.pg_port}/greencert"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GREENCERT_")} | {
            "GREENCERT_HOME": str(ROOT),
            "GREENCERT_VAR_DIR": str(work / "var"),
            "GREENCERT_DATABASE_URL": url,
            "GREENCERT_LOG_LEVEL": "ERROR",
            "GREENCERT_PUBLIC_URL": f"http://127.0.0.1:{self.http_port}",
            "DJANGO_SETTINGS_MODULE": "greencert.settings",
        }
        self.gunicorn: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    def as_postgres_user(self, command: list[str]) -> list[str]:
        """PostgreSQL refuses to run as root: as root the server runs as the ``postgres`` user."""
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            self.as_postgres_user(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.pgdata),
                    "-l",
                    str(self.pgdata.parent / "pg.log"),
                    "-w",
                    *args,
                ]
            ),
            check=True,
            capture_output=True,
        )

    def start_postgres(self) -> None:
        home = Path(tempfile.mkdtemp(prefix="greencert-soak-pg-"))
        if os.geteuid() == 0:
            shutil.chown(home, "postgres")
        self.pgdata = home / "data"
        subprocess.run(
            self.as_postgres_user(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {self.pg_port} -k {home} -c listen_addresses=127.0.0.1"
        self.pg_ctl("-o", options, "start")
        subprocess.run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.pg_port),
                "-U",
                "postgres",
                "greencert",
            ],
            check=True,
        )

    def postmaster_pid(self) -> int:
        return int((self.pgdata / "postmaster.pid").read_text().split()[0])

    def greencert(self, *args: str) -> str:
        result = subprocess.run(
            [str(BIN / "greencert"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"greencert {' '.join(args)}: {result.stderr[-2000:]}")
        return result.stdout

    def token(self) -> str:
        result = subprocess.run(
            [sys.executable, __file__, "--setup-child"],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return str(json.loads(result.stdout.strip().splitlines()[-1])["token"])

    def start_gunicorn(self) -> None:
        self.gunicorn = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "greencert.wsgi",
                "--bind",
                f"127.0.0.1:{self.http_port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--graceful-timeout",
                "10",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(self.work / "gunicorn.log", "ab"),  # noqa: SIM115
        )
        self.wait_http()

    def wait_http(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            time.sleep(0.2)
        log = (self.work / "gunicorn.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"gunicorn did not answer /healthz:\n{log}")

    def stop_gunicorn(self) -> None:
        if self.gunicorn is not None:
            self.gunicorn.send_signal(signal.SIGTERM)
            self.gunicorn.wait(timeout=60)

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [str(BIN / "greencert"), "worker"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(self.work / "worker.log", "ab"),  # noqa: SIM115
        )

    def processes(self) -> dict[str, int]:
        found = {}
        if self.gunicorn is not None:
            found["gunicorn master"] = self.gunicorn.pid
            for i, pid in enumerate(children(self.gunicorn.pid), 1):
                found[f"gunicorn worker {i}"] = pid
        if self.worker is not None:
            found["greencert worker"] = self.worker.pid
        with contextlib.suppress(OSError, ValueError):
            postmaster = self.postmaster_pid()
            found["postgres (postmaster)"] = postmaster
            found["postgres (its other processes, total)"] = -postmaster
        return found

    def memory(self) -> dict[str, int]:
        result = {}
        for name, pid in self.processes().items():
            if pid < 0:
                result[name] = sum(rss_kb(p) for p in children(-pid))
            else:
                result[name] = rss_kb(pid)
        return result

    def shutdown(self) -> None:
        for process in (self.worker, self.gunicorn):
            if process is not None and process.poll() is None:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=30)
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("-m", "fast", "stop")
        shutil.rmtree(self.pgdata.parent, ignore_errors=True)


class Load:
    """Mixed requests from ``CLIENTS`` threads; each one recorded as (start, seconds, outcome)."""

    def __init__(self, node: Node, token: str, numbers: list[str]) -> None:
        self.node, self.token, self.numbers = node, token, numbers
        self.records: list[tuple[float, float, str, str]] = []
        self.issued: dict[str, int] = {}  # idempotency key -> final status
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.serial = SERIAL_BASE
        self.holders = writes.Holders()
        self.issue_date = (dt.date.today() - dt.timedelta(days=10)).isoformat()

    def _request(self, kind: str, rng: random.Random) -> tuple[str, str, bytes | None, dict]:
        number = rng.choice(self.numbers)
        if kind == "verify page":
            return "GET", f"/verify/{number}", None, {}
        if kind == "certificate API":
            return "GET", f"/api/v1/certificates/{number}", None, {}
        if kind == "search":
            return (
                "GET",
                "/search?q=" + rng.choice(["%E6%B6%82%E6%96%99", "green", "330500"]),
                None,
                {},
            )
        if kind == "checkpoint":
            return "GET", "/log/checkpoint", None, {}
        if kind == "batch verify":
            body = json.dumps({"numbers": rng.sample(self.numbers, 10)}).encode()
            return "POST", "/api/v1/verify", body, {"Content-Type": "application/json"}
        raise ValueError(kind)

    def _issue(self, conn: http.client.HTTPConnection) -> tuple[int, str]:
        with self.lock:
            self.serial += 1
            serial = self.serial
        key = str(uuid.uuid4())
        body = json.dumps(
            writes._payload(serial, self.holders.next(), self.issue_date), ensure_ascii=False
        ).encode()
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }
        status = 0
        for _attempt in range(20):  # a client retries with the same key until it gets an answer
            try:
                conn.request("POST", "/api/v1/certificates", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if status < 500:
                    break
            except (OSError, http.client.HTTPException):
                conn.close()
                time.sleep(0.5)
        with self.lock:
            self.issued[key] = status
        return status, key

    def client(self, index: int) -> None:
        rng = random.Random(index)
        kinds = (
            ["verify page"] * 4
            + ["certificate API"] * 3
            + ["search", "checkpoint"]
            + ["batch verify"]
            + ["office write"] * 2
        )
        conn = http.client.HTTPConnection("127.0.0.1", self.node.http_port, timeout=30)
        while not self.stop.is_set():
            kind = rng.choice(kinds)
            started = time.monotonic()
            try:
                if kind == "office write":
                    status, _ = self._issue(conn)
                    outcome = str(status)
                else:
                    method, path, body, headers = self._request(kind, rng)
                    if kind == "batch verify":
                        headers = headers | {"Authorization": f"Bearer {self.token}"}
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    outcome = str(response.status)
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
                conn.close()
                time.sleep(0.2)
            with self.lock:
                self.records.append((started, time.monotonic() - started, kind, outcome))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def window_row(name: str, records: list[tuple[float, float, str, str]]) -> str:
    latencies = [r[1] for r in records]
    errors = collections.Counter(r[3] for r in records if not r[3].startswith(("2", "4")))
    error_text = ", ".join(f"{k} × {v}" for k, v in sorted(errors.items())) or "none"
    p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
    return f"| {name} | {len(records)} | {p50:.0f} | {percentile(latencies, 0.99):.0f} | {error_text} |"


def check_log(node: Node) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(node.env["GREENCERT_DATABASE_URL"]) as conn:
        count, distinct, low, high = conn.execute(
            "SELECT count(*), count(DISTINCT sequence), min(sequence), max(sequence) "
            "FROM certification_certificateevent"
        ).fetchone()
        counter = conn.execute(
            "SELECT value FROM core_counter WHERE name = 'certificate_event'"
        ).fetchone()[0]
        made = conn.execute(
            "SELECT count(*) FROM certification_certificate WHERE body_number LIKE %s "
            "AND substr(body_number, 9)::int > %s",
            ["DMSH%GP%", SERIAL_BASE],
        ).fetchone()[0]
    return {
        "events": count,
        "gapless": count == distinct == high - low + 1 == counter and low == 1,
        "certificates made": made,
    }


def run() -> str:
    work = Path(tempfile.mkdtemp(prefix="greencert-soak-"))
    node = Node(work)
    try:
        node.start_postgres()
        node.greencert("migrate", "--no-input", "-v", "0")
        node.greencert("seed", "--certificates", str(CERTIFICATES), "--seed", "2021")
        token = node.token()
        numbers = node.greencert(
            "shell",
            "-c",
            (
                "from greencert.certification.models import Certificate;"
                "print('\\n'.join(Certificate.objects.values_list('number', flat=True)[:500]))"
            ),
        ).split()
        node.start_worker()
        node.start_gunicorn()
        memory_start = node.memory()
        load = Load(node, token, numbers)
        threads = [threading.Thread(target=load.client, args=(i,)) for i in range(CLIENTS)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        window = max(5.0, min(30.0, SECONDS / 12))
        faults: list[tuple[str, float]] = []

        def at(fraction: float) -> None:
            delay = began + SECONDS * fraction - time.monotonic()
            if delay > 0:
                time.sleep(delay)

        at(0.25)
        victim = children(node.gunicorn.pid)[0]  # type: ignore[union-attr]
        faults.append(("SIGKILL of a gunicorn worker", time.monotonic()))
        os.kill(victim, signal.SIGKILL)
        at(0.5)
        faults.append(("gunicorn master stopped and started", time.monotonic()))
        node.stop_gunicorn()
        node.start_gunicorn()
        at(0.75)
        faults.append(("PostgreSQL restarted", time.monotonic()))
        node.pg_ctl("-m", "fast", "restart")
        at(1.0)
        load.stop.set()
        for thread in threads:
            thread.join()
        memory_end = node.memory()
        time.sleep(3)  # the worker's last deliveries and checkpoints
        log = check_log(node)
    finally:
        node.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    return report(load, faults, window, memory_start, memory_end, log)


def report(
    load: Load,
    faults: list[tuple[str, float]],
    window: float,
    memory_start: dict[str, int],
    memory_end: dict[str, int],
    log: dict[str, Any],
) -> str:
    records = load.records
    answered = sum(1 for status in load.issued.values() if status == 201)
    statuses = collections.Counter(r[3] for r in records)
    lines = [
        "## Soak under faults (`make soak`, `bench_soak`)",
        "",
        f"{dt.date.today().isoformat()} · {platform.node()} · {os.cpu_count()} cores · "
        f"PostgreSQL 15 in a temporary directory · gunicorn gthread 2 workers × 4 threads · "
        f"{CLIENTS} clients for {SECONDS} s on {CERTIFICATES:,} seeded certificates; "
        f"load average {os.getloadavg()[0]:.1f} at the end (other processes share the machine).",
        "",
        f"Requests: {len(records):,}; answers: "
        + ", ".join(f"{k} × {v:,}" for k, v in sorted(statuses.items())),
        "",
        "| window | requests | p50 ms | p99 ms | errors (5xx and connection) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, when in faults:
        for label, start, end in (
            ("before", when - window, when),
            ("during", when, when + window),
            ("after", when + window, when + 2 * window),
        ):
            chosen = [r for r in records if start <= r[0] < end]
            lines.append(window_row(f"{name}: {label}", chosen))
    lines += [
        "",
        "| process | RSS at start (MB) | RSS at end (MB) |",
        "| --- | ---: | ---: |",
    ]
    for name in sorted(set(memory_start) | set(memory_end)):
        start = memory_start.get(name)
        end = memory_end.get(name)
        lines.append(
            f"| {name} | {'' if start is None else f'{start / 1024:.0f}'} | "
            f"{'' if end is None else f'{end / 1024:.0f}'} |"
        )
    lines += [
        "",
        f"No loss, no duplicate: {log['events']:,} events, sequences "
        f"{'gapless from 1 and equal to the counter' if log['gapless'] else 'NOT gapless'}; "
        f"{answered:,} issues answered 201 (after retries with the same key), "
        f"{log['certificates made']:,} certificates made "
        f"({'one each' if answered == log['certificates made'] else 'MISMATCH'}).",
        "",
        "A request counts in the window where it started (one in flight when a fault strikes "
        "counts as before it). "
        "An office write's latency includes its retries with the same key until it is answered "
        "(up to 20, half a second apart). Not in this soak: webhook deliveries and import rows "
        "(the loss/duplicate check covers the event log and the write API's certificates).",
        "",
    ]
    return "\n".join(lines)


def _setup_child() -> None:
    """In a child with the node's settings: a client of the demo body that may issue and
    verify; prints its token."""
    import django

    django.setup()
    from greencert.catalog.models import Category
    from greencert.core.actors import Actor
    from greencert.exchange.actions import create_client
    from greencert.parties.models import CertificationBody

    body = CertificationBody.objects.get(approval_number=writes.BODY)
    body.categories.add(Category.objects.get(code="coatings"))
    _, token = create_client(
        Actor.for_system("console"),
        name="soak-client",
        scopes=["certify", "verify"],
        body=body,
        rate_limit_per_minute=10_000_000,
    )
    print(json.dumps({"token": token}))


if __name__ == "__main__":
    if "--setup-child" in sys.argv:
        _setup_child()
    else:
        print(run())
