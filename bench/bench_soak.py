"""A soak under faults (``make soak``): mixed load against gunicorn on a PostgreSQL server of its
own while a gunicorn worker is killed, the gunicorn master restarted, the task worker killed and
restarted and PostgreSQL restarted.

The script starts PostgreSQL 15 in a temporary directory (``initdb``/``pg_ctl`` from
``GREENCERT_PG_BIN``, default ``/usr/lib/postgresql/15/bin``), migrates, seeds
``SOAK_CERTIFICATES`` certificates (2,000), registers a ``certify`` client for the demo body and
serves with gunicorn (gthread, 2 workers × 4 threads) beside ``greencert worker``. The client
subscribes a webhook (``POST /api/v1/webhooks``) for every event to a receiver on the loopback
interface that the script runs (allowed by ``GREENCERT_WEBHOOK_ALLOWED_HOSTS``); the worker
delivers to it. Eight clients then send for ``SOAK_SECONDS`` (600): verify pages, certificate API
answers, batch verification, search, checkpoints, and certificate issues through the bodies'
write API (office writes), each issue with its own ``Idempotency-Key`` and retried with the same
key after an error. Beside them a body's staff member imports a file of ``IMPORT_ROWS``
certificates every ``IMPORT_EVERY`` seconds with ``greencert import certificates`` (the command
the bodies use), running a failed import again until it is done.

Faults at a fifth, two, three and four fifths of the time: SIGKILL of one gunicorn worker; the
gunicorn master stopped (SIGTERM) and started again; the task worker killed (SIGKILL) and started
again; PostgreSQL restarted (``pg_ctl restart -m fast``). For each: requests, errors by kind and
p50/p99 in the window before, during (the fault and the next ``window`` seconds) and after.
Memory (RSS) of every process at start and end. Afterwards, once the worker has delivered what
is due (at most ``SOAK_DRAIN_SECONDS``, 300): the event log must be gapless and without
duplicates; each issue answered 201 must have made exactly one certificate, whatever the
retries; each import row exactly one certificate; each event after the subscription exactly one
delivery row, delivered and received by the receiver with a valid signature, and no event
received under two message ids (no loss, no duplicate). A message the receiver got again under
the same id (a retry after an answer that did not reach the worker) is counted, not a duplicate:
receivers drop a message id they have seen (Standard Webhooks).
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import http.client
import http.server
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

BODY = writes.BODY

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("GREENCERT_PG_BIN", "/usr/lib/postgresql/15/bin"))
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
CERTIFICATES = int(os.environ.get("SOAK_CERTIFICATES", "2000"))
CLIENTS = 8
SERIAL_BASE = 800_000
DRAIN_SECONDS = int(os.environ.get("SOAK_DRAIN_SECONDS", "300"))
IMPORT_ROWS = 40
IMPORT_EVERY = 20.0
# Import rows have body numbers DMSH<yy>GP9<file, 2 digits><row, 3 digits>; the write API's
# issues take serials above SERIAL_BASE below 900000.
IMPORT_SERIAL_DIGIT = "9"
IMPORTER = "soak-importer"


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
            # The node's own secret key, made on first use (a server refuses to start without).
            "GREENCERT_SECRET_KEY_FILE": str(work / "secret-key"),
            "GREENCERT_DATABASE_URL": url,
            "GREENCERT_LOG_LEVEL": "ERROR",
            "GREENCERT_PUBLIC_URL": f"http://127.0.0.1:{self.http_port}",
            # The webhook receiver runs on the loopback interface beside the node.
            "GREENCERT_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
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
            [sys.executable, __file__, "--setup-child", str(self.work / "imports"), str(SECONDS)],
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

    def kill_worker(self) -> None:
        if self.worker is not None:
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait(timeout=30)

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


class Receiver:
    """The webhook receiver: an HTTP server on the loopback interface that checks each message's
    signature and records its id and the event's sequence."""

    def __init__(self) -> None:
        self.secret = ""
        self.lock = threading.Lock()
        self.ids_by_sequence: dict[int, set[str]] = collections.defaultdict(set)
        self.messages = 0
        self.bad_signatures = 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.receive({k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Silent: the soak reports what the receiver counted, not each request."""

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def receive(self, headers: dict[str, str], body: bytes) -> None:
        from standardwebhooks import Webhook
        from standardwebhooks.webhooks import WebhookVerificationError

        try:
            Webhook(self.secret).verify(body, headers, json_parse=False)
        except (WebhookVerificationError, ValueError):
            with self.lock:
                self.bad_signatures += 1
            return
        sequence = int(json.loads(body)["data"]["sequence"])
        with self.lock:
            self.messages += 1
            self.ids_by_sequence[sequence].add(headers["webhook-id"])

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def subscribe(node: Node, token: str, receiver: Receiver) -> int:
    """A webhook for every event from now on, made through the API; its cursor (the last event
    before it)."""
    conn = http.client.HTTPConnection("127.0.0.1", node.http_port, timeout=30)
    conn.request(
        "POST",
        "/api/v1/webhooks",
        body=json.dumps({"url": receiver.url}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    answer = json.loads(response.read())
    if response.status != 201:
        raise RuntimeError(f"POST /api/v1/webhooks: {response.status} {answer}")
    receiver.secret = answer["secret"]
    return int(answer["cursor"])


class Imports:
    """A body's staff member importing a file of certificates every ``IMPORT_EVERY`` seconds with
    ``greencert import certificates``; a failed import is run again until it is done (rows a run
    cut short by a fault already wrote are then refused as duplicates, so a run that refuses only
    rows already on record counts as done)."""

    def __init__(self, node: Node, files: list[Path], body: str) -> None:
        self.node, self.files, self.body = node, files, body
        self.stop = threading.Event()
        self.done: list[Path] = []
        self.attempts = 0
        self.failed_attempts = 0
        self.given_up: list[Path] = []
        self.records: list[tuple[float, float, str, str]] = []

    def _import(self, path: Path) -> int:
        result = subprocess.run(
            [
                str(BIN / "greencert"),
                "import",
                "certificates",
                str(path),
                "--body",
                self.body,
                "--user",
                IMPORTER,
                "--no-progress",
            ],
            env=self.node.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        return result.returncode

    def run(self) -> None:
        for path in self.files:
            if self.stop.is_set():
                return
            started = time.monotonic()
            for attempt in range(1, 31):
                self.attempts += 1
                code = self._import(path)
                if code == 0 or (code == 1 and imported_rows(self.node, path) == IMPORT_ROWS):
                    break
                self.failed_attempts += 1
                if attempt == 30:
                    self.given_up.append(path)
                time.sleep(2)
            self.done.append(path)
            self.records.append((started, time.monotonic() - started, "import", "done"))
            self.stop.wait(max(0.0, IMPORT_EVERY - (time.monotonic() - started)))


def imported_rows(node: Node, path: Path) -> int:
    """Certificates the import file ``path`` made (its body numbers begin with its name)."""
    import psycopg

    with psycopg.connect(node.env["GREENCERT_DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT count(*) FROM certification_certificate WHERE body_number LIKE %s",
            [f"{path.stem}%"],
        ).fetchone()
    return int(row[0]) if row else 0


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


def deliveries(node: Node, cursor: int) -> dict[str, int]:
    """The subscription's delivery rows against the events after its cursor."""
    import psycopg

    with psycopg.connect(node.env["GREENCERT_DATABASE_URL"]) as conn:
        events = conn.execute(
            "SELECT count(*) FROM certification_certificateevent WHERE sequence > %s", [cursor]
        ).fetchone()[0]
        rows, distinct, delivered, pending, dead = conn.execute(
            "SELECT count(*), count(DISTINCT d.event_id), "
            "count(*) FILTER (WHERE d.state = 'delivered'), "
            "count(*) FILTER (WHERE d.state = 'pending'), "
            "count(*) FILTER (WHERE d.state = 'dead') "
            "FROM exchange_webhookdelivery d"
        ).fetchone()
        unmatched = conn.execute(
            "SELECT count(*) FROM certification_certificateevent e WHERE e.sequence > %s "
            "AND NOT EXISTS (SELECT 1 FROM exchange_webhookdelivery d WHERE d.event_id = e.id)",
            [cursor],
        ).fetchone()[0]
    return {
        "events": events,
        "rows": rows,
        "distinct events": distinct,
        "delivered": delivered,
        "pending": pending,
        "dead": dead,
        "events without a row": unmatched,
    }


def sequences_after(node: Node, cursor: int) -> set[int]:
    import psycopg

    with psycopg.connect(node.env["GREENCERT_DATABASE_URL"]) as conn:
        return {
            int(row[0])
            for row in conn.execute(
                "SELECT sequence FROM certification_certificateevent WHERE sequence > %s", [cursor]
            )
        }


def drain(node: Node, cursor: int, receiver: Receiver) -> float:
    """Wait until every event after the cursor has been received (or DRAIN_SECONDS passed);
    the seconds waited."""
    began = time.monotonic()
    while time.monotonic() - began < DRAIN_SECONDS:
        expected = sequences_after(node, cursor)
        with receiver.lock:
            received = set(receiver.ids_by_sequence)
        if expected <= received:
            break
        time.sleep(2)
    return time.monotonic() - began


def check_imports(node: Node, files: list[Path]) -> dict[str, int]:
    import psycopg

    made = distinct = 0
    with psycopg.connect(node.env["GREENCERT_DATABASE_URL"]) as conn:
        for path in files:
            rows, different = conn.execute(
                "SELECT count(*), count(DISTINCT body_number) FROM certification_certificate "
                "WHERE body_number LIKE %s",
                [f"{path.stem}%"],
            ).fetchone()
            made, distinct = made + rows, distinct + different
    return {
        "files": len(files),
        "rows": len(files) * IMPORT_ROWS,
        "made": made,
        "distinct": distinct,
    }


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
            "AND substr(body_number, 9)::int > %s AND substr(body_number, 9, 1) <> %s",
            ["DMSH%GP%", SERIAL_BASE, IMPORT_SERIAL_DIGIT],
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
        receiver = Receiver()
        receiver.start()
        cursor = subscribe(node, token, receiver)
        memory_start = node.memory()
        load = Load(node, token, numbers)
        imports = Imports(node, sorted((work / "imports").glob("*.csv"), key=_file_order), BODY)
        threads = [threading.Thread(target=load.client, args=(i,)) for i in range(CLIENTS)]
        threads.append(threading.Thread(target=imports.run))
        began = time.monotonic()
        for thread in threads:
            thread.start()
        window = max(5.0, min(30.0, SECONDS / 12))
        faults: list[tuple[str, float]] = []

        def at(fraction: float) -> None:
            delay = began + SECONDS * fraction - time.monotonic()
            if delay > 0:
                time.sleep(delay)

        at(0.2)
        victim = children(node.gunicorn.pid)[0]  # type: ignore[union-attr]
        faults.append(("SIGKILL of a gunicorn worker", time.monotonic()))
        os.kill(victim, signal.SIGKILL)
        at(0.4)
        faults.append(("gunicorn master stopped and started", time.monotonic()))
        node.stop_gunicorn()
        node.start_gunicorn()
        at(0.6)
        faults.append(("task worker killed (SIGKILL) and started", time.monotonic()))
        node.kill_worker()
        node.start_worker()
        at(0.8)
        faults.append(("PostgreSQL restarted", time.monotonic()))
        node.pg_ctl("-m", "fast", "restart")
        at(1.0)
        load.stop.set()
        imports.stop.set()
        for thread in threads:
            thread.join()
        memory_end = node.memory()
        drained = drain(node, cursor, receiver)
        log = check_log(node)
        log["imports"] = check_imports(node, imports.done) | {
            "attempts": imports.attempts,
            "failed attempts": imports.failed_attempts,
            "given up": len(imports.given_up),
        }
        log["deliveries"] = deliveries(node, cursor) | {"drained in": round(drained)}
        log["received"] = received(receiver, sequences_after(node, cursor))
        receiver.stop()
    finally:
        node.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    return report(load, faults, window, memory_start, memory_end, log)


def _file_order(path: Path) -> int:
    return int(path.stem[-2:])


def received(receiver: Receiver, expected: set[int]) -> dict[str, int]:
    """What the receiver got against the events it should have: lost, duplicated (one event
    under two message ids), received again (one message id twice) and badly signed."""
    with receiver.lock:
        got = dict(receiver.ids_by_sequence)
        messages, bad = receiver.messages, receiver.bad_signatures
    return {
        "expected": len(expected),
        "received": len(set(got) & expected),
        "lost": len(expected - set(got)),
        "unexpected": len(set(got) - expected),
        "duplicated": sum(1 for ids in got.values() if len(ids) > 1),
        "received again": messages - sum(len(ids) for ids in got.values()),
        "bad signatures": bad,
    }


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
    imports, rows, got = log["imports"], log["deliveries"], log["received"]
    imports_hold = imports["made"] == imports["distinct"] == imports["rows"]
    rows_hold = (
        rows["rows"] == rows["distinct events"] == rows["events"] == rows["delivered"]
        and rows["events without a row"] == 0
    )
    received_hold = got["lost"] == got["duplicated"] == got["unexpected"] == 0
    lines += [
        "",
        "No loss, no duplicate:",
        "",
        f"- event log: {log['events']:,} events, sequences "
        f"{'gapless from 1 and equal to the counter' if log['gapless'] else 'NOT gapless'};",
        f"- write API: {answered:,} issues answered 201 (after retries with the same key), "
        f"{log['certificates made']:,} certificates made "
        f"({'one each' if answered == log['certificates made'] else 'MISMATCH'});",
        f"- imports: {imports['files']} files of {IMPORT_ROWS} rows imported "
        f"({imports['attempts']} runs of `greencert import certificates`, "
        f"{imports['failed attempts']} of them failed by a fault and run again), "
        f"{imports['made']:,} certificates made for {imports['rows']:,} rows, "
        f"{imports['distinct']:,} distinct, {imports['given up']} given up after 30 runs "
        f"({'one each' if imports_hold else 'MISMATCH'});",
        f"- webhook delivery rows: {rows['events']:,} events after the subscription, "
        f"{rows['rows']:,} rows for {rows['distinct events']:,} distinct events, "
        f"{rows['delivered']:,} delivered, {rows['pending']} pending, {rows['dead']} dead "
        f"({'one each, all delivered' if rows_hold else 'MISMATCH'}), "
        f"all received {rows['drained in']} s after the load stopped;",
        f"- webhook receiver: {got['received']:,} of {got['expected']:,} events received "
        f"with a valid signature, {got['lost']} lost, {got['duplicated']} under two message "
        f"ids, {got['unexpected']} unexpected, {got['bad signatures']} badly signed "
        f"({'no loss, no duplicate' if received_hold else 'MISMATCH'}); "
        f"messages received again under the same id: {got['received again']}.",
        "",
        "A request counts in the window where it started (one in flight when a fault strikes "
        "counts as before it). "
        "An office write's latency includes its retries with the same key until it is answered "
        "(up to 20, half a second apart). Imports run beside the requests and are not in the "
        "request counts.",
        "",
    ]
    return "\n".join(lines)


def _setup_child(imports: Path, seconds: int) -> None:
    """In a child with the node's settings: a client of the demo body that may issue, verify and
    subscribe webhooks (prints its token), a staff member of the body who imports, and the
    import files, enough for ``seconds``."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from greencert.catalog.models import Category
    from greencert.certification.imports.testing import certificate_rows, csv_bytes
    from greencert.core.actors import Actor
    from greencert.exchange.actions import create_client
    from greencert.parties.models import CertificationBody, Role, RoleAssignment

    body = CertificationBody.objects.get(approval_number=BODY)
    body.categories.add(Category.objects.get(code="coatings"))
    _, token = create_client(
        Actor.for_system("console"),
        name="soak-client",
        scopes=["certify", "verify", "webhooks"],
        body=body,
        rate_limit_per_minute=10_000_000,
    )
    user = get_user_model().objects.create_user(username=IMPORTER, password=None)
    RoleAssignment.objects.create(user=user, role=Role.BODY_STAFF, body=body)
    imports.mkdir(parents=True, exist_ok=True)
    issue_date = dt.date.today() - dt.timedelta(days=20)
    for seed in range(1, int(seconds / IMPORT_EVERY) + 2):
        # In the body's number format: DMSH, year, GP, serial.
        prefix = f"DMSH{issue_date.year % 100:02d}GP{IMPORT_SERIAL_DIGIT}{seed:02d}"
        rows = [
            row | {"body_number": f"{prefix}{n:03d}"}
            for n, row in enumerate(
                certificate_rows(body, IMPORT_ROWS, seed=seed, issue_date=issue_date)
            )
        ]
        (imports / f"{prefix}.csv").write_bytes(csv_bytes("certificates", rows))
    print(json.dumps({"token": token}))


if __name__ == "__main__":
    if "--setup-child" in sys.argv:
        _setup_child(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        print(run())
