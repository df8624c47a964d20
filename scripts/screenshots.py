"""``make screenshots``: full-page screenshots of every public and office page into var/screenshots/.

With ``URL=http://…`` it photographs that running server (which must use this checkout's
database, as ``make demo`` does). Without it, it seeds a small demo registry of its own under
var/screenshots-site/ (once; later runs reuse it), serves it on a free port, photographs it and
stops the server.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
SITE = ROOT / "var" / "screenshots-site"
OUT = ROOT / "var" / "screenshots"
SEED = [
    ["migrate", "--no-input", "-v", "0"],
    ["seed", "--certificates", "300", "--seed", "2021", "--if-empty"],
    ["collectstatic", "--no-input", "-v", "0"],
    ["expire_certificates"],
    ["export_open_data"],
    ["demo_setup"],
    ["seed_supervision"],
    ["seed_workflow"],
    ["seed_announcements"],
    ["seed_links"],
    ["seed_institutions"],
]


def greencert(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "greencert"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError as error:
            if time.monotonic() > deadline:
                message = f"the server at {url} did not answer within {seconds:.0f} s"
                raise SystemExit(message) from error
            time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=os.environ.get("URL", ""))
    parser.add_argument("--languages", default="zh-hans,en")
    args = parser.parse_args()
    shoot = ["screenshots", "--out", str(OUT), "--languages", args.languages]
    if args.url:
        greencert(dict(os.environ), *shoot, "--url", args.url)
        print(f"screenshots of {args.url} in {OUT}")
        return
    env = dict(os.environ) | {"GREENCERT_VAR_DIR": str(SITE), "GREENCERT_HOME": str(ROOT)}
    env.pop("GREENCERT_DATABASE_URL", None)
    ready = SITE / "seeded"
    if not ready.exists():
        SITE.mkdir(parents=True, exist_ok=True)
        print(f"seeding a demo registry in {SITE} (once)…", flush=True)
        for step in SEED:
            greencert(env, *step)
        ready.touch()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    gunicorn = [str(BIN / "gunicorn"), "greencert.wsgi", "--bind", f"127.0.0.1:{port}"]
    threads = ["--workers", "1", "--threads", "4", "--worker-class", "gthread"]
    server = subprocess.Popen(
        [*gunicorn, *threads, "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_for(url)
        subprocess.run([str(BIN / "greencert"), *shoot, "--url", url], env=env, check=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
