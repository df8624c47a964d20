"""Runs the benchmarks and writes their figures to ``bench/RESULTS.md`` (what ``make bench`` calls).

    python bench/run.py                 # every bench/bench_*.py
    python bench/run.py --only lookup   # one of them; the other sections of RESULTS.md are kept

Each ``bench_NAME.py`` exposes ``run() -> str``, a Markdown section. Every module runs in a child
process of its own, so one benchmark's CPU pinning, Django set-up or crash cannot distort or stop
the next; a module that fails to import or to run gets a note in its section instead of figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "RESULTS.md"
IMPORT_FAILED = 3
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def discover() -> list[str]:
    return sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _postgres_version() -> str:
    url = os.environ.get("GREENCERT_BENCH_PG_URL", DEFAULT_PG_URL)
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return f"{row[0] if row else '?'} (server at {url.split('@')[-1]})"
    except Exception as error:  # any failure only means "not measured here"
        return f"not reachable ({type(error).__name__})"


def machine() -> list[str]:
    cpuinfo = _read("/proc/cpuinfo")
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    memory = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    os_name = re.search(r'^PRETTY_NAME="?([^"\n]+)', _read("/etc/os-release"), re.M)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python bench/run.py`); each section says what it measures and "
        "how. Figures are from this machine only and move with its load: the server, the "
        "database and the load generator share the same cores.",
        "",
        f"- Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- CPU: {model.group(1).strip() if model else platform.processor() or '?'}, "
        f"{os.cpu_count()} logical cores",
        f"- RAM: {int(memory.group(1)) / 1024**2:.1f} GiB" if memory else "- RAM: ?",
        f"- OS: {os_name.group(1) if os_name else platform.system()} (kernel {platform.release()})",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {_postgres_version()}",
        f"- Load average when the run started: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
        "",
    ]


def previous_sections() -> dict[str, tuple[str, str]]:
    """Sections of the existing RESULTS.md: name → (when measured, Markdown)."""
    text = _read(str(RESULTS))
    pattern = r"<!-- bench:(\w+) measured=(\S+) -->\n(.*?)<!-- /bench:\1 -->"
    return {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(pattern, text, re.S)}


def run_in_child(name: str) -> str:
    """Run ``name``'s ``run()`` in a fresh interpreter; its section, or a note saying why not."""
    with tempfile.NamedTemporaryFile("r", suffix=".md") as out:
        print(f"== {name} ==", flush=True)
        code = subprocess.run(
            [sys.executable, __file__, "--child", name, "--out", out.name], cwd=BENCH_DIR.parent
        ).returncode
        section = Path(out.name).read_text()
    if code == 0 and section.strip():
        return section.rstrip() + "\n"
    why = "could not be imported" if code == IMPORT_FAILED else "failed"
    return f"## {name}\n\n_Skipped: `{name}.py` {why}: `{section.strip() or code}`._\n"


def child(name: str, out: str) -> int:
    """In the child: import and run one module; on failure leave the reason in ``out``."""
    sys.path.insert(0, str(BENCH_DIR))
    try:
        module = __import__(name)
        run = module.run
    except Exception as error:
        traceback.print_exc()
        Path(out).write_text(f"{type(error).__name__}: {error}")
        return IMPORT_FAILED
    try:
        section = run()
    except Exception as error:
        traceback.print_exc()
        Path(out).write_text(f"{type(error).__name__}: {error}".splitlines()[0])
        return 1
    Path(out).write_text(section)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run one benchmark: NAME or bench_NAME")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.out)
    names = discover()
    if args.only:
        wanted = args.only if args.only.startswith("bench_") else f"bench_{args.only}"
        if wanted not in names:
            parser.error(f"no bench/{wanted}.py; there are: {', '.join(names)}")
        names = [wanted]
    header = machine()
    sections = {n: s for n, s in previous_sections().items() if n in discover()}
    for name in names:
        when = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        sections[name] = (when, run_in_child(name))
    kept = [f"`{n}` ({when})" for n, (when, _) in sections.items() if n not in names]
    if kept:
        header += [f"Kept from earlier runs (measured then, not now): {', '.join(kept)}.", ""]
    body = []
    for name in discover():
        if name in sections:
            when, text = sections[name]
            body += [
                f"<!-- bench:{name} measured={when} -->",
                text.rstrip(),
                f"<!-- /bench:{name} -->",
                "",
            ]
    RESULTS.write_text("\n".join(header + body))
    print(f"wrote {RESULTS.relative_to(BENCH_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
