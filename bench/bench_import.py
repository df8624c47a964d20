"""Bulk import: ``greencert import certificates`` of 100,000 certificates from CSV and from XLSX.

For each engine a fresh registry is migrated and given one certification body (authorised for
four product categories) and its staff member. Then, each in a child process that times
``imports.run.import_file`` from the first row read to the last batch committed (Django's start-up
left out):

1. a CSV file of N certificates into the empty registry (N = 100,000);
2. an XLSX file of N other certificates into the registry now holding N;
3. the CSV file again: every row checked and found already present, nothing written.

Each certificate goes through the same action as an office issue (``issue_certificates``): its
holder matched or registered, the ``issued`` event on the log, the search index and the tallies.
Rows per second are rows of the file divided by the whole run, the check of every row included.
"Importer CPU s" is the CPU time of the importing process alone (on SQLite the database work is
in it; on PostgreSQL the server's is not): read it beside the load average, since the machine's
two cores are shared with the database server and anything else running.

Run directly (``python bench/bench_import.py``) to print the Markdown section, or call ``run()``.
Environment: ``GREENCERT_BENCH_IMPORT_ROWS`` (default 100000), ``GREENCERT_BENCH_ENGINES``
(``sqlite,postgresql``), ``GREENCERT_BENCH_PG_URL`` (a server's maintenance database).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK = BENCH_DIR / ".work" / "import"
ROWS = int(os.environ.get("GREENCERT_BENCH_IMPORT_ROWS", "100000"))
ENGINES = os.environ.get("GREENCERT_BENCH_ENGINES", "sqlite,postgresql").split(",")
PG_URL = os.environ.get("GREENCERT_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "greencert_bench_import"
APPROVAL = "CNCA-R-2010-901"
STAFF = "bench-importer"
CATEGORIES = ["coatings", "furniture", "textiles", "paper"]
GOAL = 2000.0


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"GREENCERT_DEBUG", "DJANGO_DEBUG"}}
    env.pop("GREENCERT_DATABASE_URL", None)
    env["GREENCERT_HOME"] = str(ROOT)
    env["GREENCERT_VAR_DIR"] = str(WORK / "var")
    env["GREENCERT_LOG_LEVEL"] = "ERROR"
    env["DJANGO_SETTINGS_MODULE"] = "greencert.settings"
    return env | extra


def _child(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run this module's ``--child`` step with ``env``; its JSON answer."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench_import {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _pg_url(database: str) -> str:
    return urlunsplit(urlsplit(PG_URL)._replace(path=f"/{database}"))


def sqlite_env() -> dict[str, str]:
    directory = WORK / "sqlite"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return _env(
        GREENCERT_VAR_DIR=str(directory),
        GREENCERT_DATABASE_URL=f"sqlite:///{directory / 'greencert.sqlite3'}",
    )


def postgresql_env() -> dict[str, str] | None:
    try:
        import psycopg

        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except Exception:
        return None
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        admin.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    return _env(GREENCERT_DATABASE_URL=_pg_url(PG_DATABASE))


# -- in the child ----------------------------------------------------------------------------------
def child(step: str, *args: str) -> dict[str, Any]:
    import django

    django.setup()
    if step == "prepare":
        return _prepare(int(args[0]))
    return _measure(Path(args[0]))


def _prepare(rows: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from greencert.catalog.models import Category
    from greencert.certification.imports.testing import certificate_rows, csv_bytes, xlsx_bytes
    from greencert.parties.models import CertificationBody, Role, RoleAssignment

    call_command("migrate", verbosity=0, interactive=False)
    body = CertificationBody.objects.create(
        approval_number=APPROVAL,
        name="长三角绿色认证基准测试中心",
        short_name="基准",
        region_id="310000",
    )
    body.categories.set(Category.objects.filter(code__in=CATEGORIES))
    user = get_user_model().objects.create_user(username=STAFF, password=None)
    RoleAssignment.objects.create(user=user, role=Role.BODY_STAFF, body=body)
    WORK.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, seed, writer in (("csv", 1, csv_bytes), ("xlsx", 2, xlsx_bytes)):
        # The same rows for every engine (the body and its categories are the same): written once.
        path = WORK / f"certificates-{rows}.{name}"
        if not path.exists():
            path.write_bytes(writer("certificates", list(certificate_rows(body, rows, seed=seed))))
        files[name] = {"path": str(path), "bytes": path.stat().st_size}
    return files


def _measure(path: Path) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from greencert.certification.imports.run import import_file
    from greencert.certification.imports.table import read_path
    from greencert.certification.models import Certificate
    from greencert.core.actors import Actor
    from greencert.parties.models import CertificationBody

    body = CertificationBody.objects.get(approval_number=APPROVAL)
    actor = Actor.for_user(get_user_model().objects.get(username=STAFF))
    before = Certificate.objects.count()
    phases: dict[str, float] = {}

    def progress(phase: str, done: int, total: int | None) -> None:
        phases.setdefault(phase, time.perf_counter())

    started, cpu = time.perf_counter(), time.process_time()
    outcome = import_file("certificates", read_path(path), body, actor, progress=progress)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    check = phases.get("import", time.perf_counter()) - started
    connection.close()
    return {
        "rows": outcome.rows_read,
        "imported": outcome.imported,
        "already_present": outcome.already_present,
        "refused": outcome.refused,
        "certificates_before": before,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "check_seconds": round(check, 2),
        "load_average": round(os.getloadavg()[0], 2),
    }


# -- the section -----------------------------------------------------------------------------------
def engine_rows(engine: str, env: dict[str, str]) -> tuple[list[str], list[str]]:
    files = _child(env, "prepare", str(ROWS))
    rows, notes = [], []
    for label, name in (("CSV", "csv"), ("XLSX", "xlsx"), ("CSV again (all present)", "csv")):
        result = _child(env, "measure", files[name]["path"])
        rate = result["rows"] / result["seconds"]
        rows.append(
            f"| {engine} | {label} | {result['certificates_before']:,} | {result['rows']:,} | "
            f"{result['imported']:,} | {result['already_present']:,} | {result['check_seconds']} | "
            f"{result['seconds']} | **{rate:,.0f}** | {result['cpu_seconds']} | "
            f"{result['load_average']} |"
        )
        if label == "CSV":
            verdict = "met" if rate >= GOAL else "not met"
            notes.append(
                f"- **{engine}**: CSV import {rate:,.0f} rows/s (goal ≥ {GOAL:,.0f}) → goal **{verdict}**."
            )
    return rows, notes


def run() -> str:
    lines = [
        "## Bulk import (`bench_import`)",
        "",
        __doc__.split("\n\n", 1)[1].split("\n\nRun directly", 1)[0].strip(),
        "",
        "| engine | file | certificates before | rows | imported | already present | "
        "check s | total s | rows/s | importer CPU s | load |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    notes: list[str] = []
    for engine in ENGINES:
        env = sqlite_env() if engine == "sqlite" else postgresql_env()
        if env is None:
            notes.append(f"- {engine}: no server answers at {PG_URL}; not measured.")
            continue
        name = "SQLite" if engine == "sqlite" else "PostgreSQL"
        rows, found = engine_rows(name, env)
        lines += rows
        notes += found
    return "\n".join([*lines, "", *notes, ""])


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT / "src"))
        print(json.dumps(child(sys.argv[2], *sys.argv[3:])))
    else:
        print(run())
