"""The replica router against a real PostgreSQL primary and hot standby on loopback.

The test starts both servers itself (``initdb``, ``pg_basebackup -R``, a second ``postgres``) in
a temporary directory, builds a small registry on the primary, and runs the checks in a child
process whose settings name the standby in ``GREENCERT_DATABASE_REPLICA_URLS``. Replay on the
standby is paused while a certificate changes (it expires), so an answer read from the standby is visibly
stale and one read from the primary is visibly fresh.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PG_BIN = Path(os.environ.get("GREENCERT_PG_BIN", "/usr/lib/postgresql/15/bin"))
NEEDED = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
BIN = Path(sys.executable).parent
RUN_AS_POSTGRES = os.geteuid() == 0  # PostgreSQL refuses to run as root


def _missing() -> str | None:
    absent = [name for name in NEEDED if not (PG_BIN / name).exists()]
    if absent:
        return f"PostgreSQL server programs {', '.join(absent)} not found under {PG_BIN}"
    if RUN_AS_POSTGRES and not shutil.which("runuser"):
        return "running as root without runuser: PostgreSQL cannot be started as root"
    if RUN_AS_POSTGRES:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and no postgres user to start PostgreSQL as"
    return None


def _in_the_other_pass() -> bool:
    """The test starts a primary and a standby of its own, whatever engine the suite runs on:
    when `make test` runs the suite a second time on PostgreSQL, it runs in that pass only."""
    engine = os.environ.get("GREENCERT_DATABASE_URL", "")
    return not engine.startswith("postgres") and bool(os.environ.get("GREENCERT_TEST_DATABASE_URL"))


pytestmark = [
    pytest.mark.starts_first,
    pytest.mark.skipif(_missing() is not None, reason=str(_missing())),
    pytest.mark.skipif(_in_the_other_pass(), reason="runs in the PostgreSQL pass of make test"),
]


def _pg(*args: str | Path | int, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    prefix = ["runuser", "-u", "postgres", "--"] if RUN_AS_POSTGRES else []
    command = [*prefix, str(PG_BIN / str(args[0])), *map(str, args[1:])]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _configure(data: Path, port: int, sockets: Path) -> None:
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{sockets}'\nfsync = off\n"
            "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
        )


@pytest.fixture(scope="module")
def primary_and_standby() -> Iterator[tuple[str, str]]:
    """URLs of a database ``greencert`` on a primary and on its streaming hot standby."""
    root = Path(tempfile.mkdtemp(prefix="greencert-replica-"))
    root.chmod(0o777)
    primary, standby = root / "primary", root / "standby"
    started: list[Path] = []
    try:
        ports = _free_port(), _free_port()
        _pg("initdb", "-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
        _configure(primary, ports[0], root)
        _pg("pg_ctl", "-D", primary, "-l", root / "primary.log", "-w", "start")
        started.append(primary)
        url = f"postgres://postgres@127.0.0.1:{ports[0]}"
        import psycopg

        with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE greencert")
        _pg(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", ports[0], "-U", "postgres"),
            *("-D", standby, "-R", "-X", "stream", "-c", "fast"),
        )
        with (standby / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {ports[1]}\n")
        _pg("pg_ctl", "-D", standby, "-l", root / "standby.log", "-w", "start")
        started.append(standby)
        yield f"{url}/greencert", f"postgres://postgres@127.0.0.1:{ports[1]}/greencert"
    finally:
        for data in reversed(started):
            with contextlib.suppress(subprocess.CalledProcessError):
                _pg("pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def _env(primary: str, standby: str, var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GREENCERT_", "DJANGO_"))}
    return env | {
        "GREENCERT_DATABASE_URL": primary,
        "GREENCERT_DATABASE_REPLICA_URLS": standby,
        "GREENCERT_VAR_DIR": str(var),
        "GREENCERT_LOG_LEVEL": "ERROR",
    }


CHECKS = Path(__file__).with_name("replica_checks.py")


@pytest.fixture(scope="module")
def checked(primary_and_standby: tuple[str, str]) -> dict[str, Any]:
    """What the child process saw (``replica_checks.py``), on a registry of a few certificates."""
    primary, standby = primary_and_standby
    with tempfile.TemporaryDirectory(prefix="greencert-replica-var-") as var:
        env = _env(primary, standby, Path(var))
        for args in (
            ["migrate", "--no-input", "-v", "0"],
            ["seed", "--certificates", "40", "--today", "2024-06-01"],
        ):
            subprocess.run([str(BIN / "greencert"), *args], env=env, check=True, timeout=600)
        done = subprocess.run(
            [sys.executable, str(CHECKS)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_anonymous_lookup_reads_from_the_replica_alone(checked):
    assert checked["anonymous"]["status"] == 200
    assert checked["anonymous"]["replica_queries"] > 0
    assert checked["anonymous"]["primary_queries"] == 0, checked["anonymous"]["primary_sql"]


def test_a_token_or_a_login_session_reads_from_the_primary(checked):
    for case in ("with_token_header", "with_session_cookie"):
        assert checked[case]["replica_queries"] == 0, case
        assert checked[case]["primary_queries"] > 0, case


def test_a_read_after_a_write_in_the_same_request_sees_the_write(checked):
    change = checked["change"]
    assert change["status_before"] == "01"
    assert change["status_read_after_the_write"] == "05"
    assert change["sticky_cookie"] is True


def test_the_same_browser_reads_the_certificate_from_the_primary_right_after_its_change(checked):
    assert checked["after_change"]["with_sticky_cookie"] == "05"


def test_a_stranger_reads_the_replica_which_shows_the_change_once_it_has_replayed_it(checked):
    assert checked["after_change"]["stranger_while_replay_paused"] == "01"
    assert checked["after_change"]["stranger_after_replay"] == "05"


def test_migrations_are_not_run_on_a_replica(checked):
    assert checked["allow_migrate"] == {"default": True, "replica_1": False}
