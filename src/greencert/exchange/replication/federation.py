"""Four provincial nodes on this machine, one per province of the Yangtze River Delta, each with
its own SQLite database, keys, web server and (for the demonstration) worker, all listed in one
peers file: what ``make federation-demo`` starts and the four-node test runs.

This module only runs ``greencert`` and ``gunicorn`` as other processes; it imports no Django.
``python -m greencert.exchange.replication.federation [--certificates N]`` runs the
demonstration until interrupted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
PROVINCES = (
    ("yrd-sh", "310000", "上海市节点", "Shanghai node"),
    ("yrd-js", "320000", "江苏省节点", "Jiangsu node"),
    ("yrd-zj", "330000", "浙江省节点", "Zhejiang node"),
    ("yrd-ah", "340000", "安徽省节点", "Anhui node"),
)
START_TIMEOUT = 60.0
# Commands without Django's system checks (and so without the --skip-checks option).
UNCHECKED_COMMANDS = frozenset({"shell"})


def command_line(*args: str) -> list[str]:
    """``greencert ARGS`` without the system checks, which the template's ``migrate`` has run for
    every node: they import the whole site, most of a short command's start-up."""
    name, rest = args[0], list(args[1:])
    skip = [] if name in UNCHECKED_COMMANDS or name == "migrate" else ["--skip-checks"]
    return [str(BIN / "greencert"), name, *skip, *rest]


class FederationError(RuntimeError):
    """A node could not be prepared or started; the message names the node and the command."""


@dataclass
class Node:
    id: str
    province_code: str
    name_zh: str
    name_en: str
    port: int
    home: Path
    peers_file: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    log_vkey: str = ""
    witness_vkey: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GREENCERT_")}
        if self.province_code:  # complaints naming no place go to the node's own province
            env["GREENCERT_COMPLAINT_DEFAULT_PROVINCE"] = self.province_code
        return env | {
            "GREENCERT_HOME": str(self.home),
            "GREENCERT_VAR_DIR": str(self.home),
            "GREENCERT_NODE_ID": self.id,
            "GREENCERT_PUBLIC_URL": self.url,
            "GREENCERT_PEERS_FILE": str(self.peers_file),
            # Each node its own key, made once and kept in its directory (owner-only).
            "GREENCERT_SECRET_KEY_FILE": str(self.home / "secret-key"),
            # Four nodes share this machine's cores (in the tests, with the rest of the suite):
            # a witness busy for more than the default few seconds is slow, not gone.
            "GREENCERT_WITNESS_TIMEOUT": "30",
        }

    def run(self, *args: str) -> str:
        """Run ``greencert ARGS`` as this node; its standard output, or FederationError."""
        done = subprocess.run(
            command_line(*args),
            env=self.environment(),
            cwd=self.home,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise FederationError(
                f"{self.id}: greencert {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout}{done.stderr}"
            )
        return done.stdout

    def replicate(self) -> subprocess.CompletedProcess[str]:
        """One replication round; exits non-zero when a peer could not be followed."""
        return subprocess.run(
            command_line("replicate", "--once"),
            env=self.environment(),
            cwd=self.home,
            capture_output=True,
            text=True,
        )

    def _spawn(self, args: list[str], log_name: str) -> subprocess.Popen[bytes]:
        log = (self.home / log_name).open("ab")
        process = subprocess.Popen(
            args, env=self.environment(), cwd=self.home, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self.processes.append(process)
        return process

    def start(self, *, worker: bool = False) -> None:
        """Serve the node (gunicorn) and wait until it answers; with ``worker``, its worker too."""
        self._spawn(
            [
                str(BIN / "gunicorn"),
                "greencert.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                # One control socket per node: the default path is shared by every gunicorn.
                "--control-socket",
                str(self.home / "gunicorn.ctl"),
            ],
            "server.log",
        )
        if worker:
            self._spawn([str(BIN / "greencert"), "worker"], "worker.log")
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.processes[0].poll() is not None:
                self.stop()
                log = (self.home / "server.log").read_text(errors="replace")[-2000:]
                raise FederationError(f"{self.id} did not start on {self.url}:\n{log}")
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()


def peers_file_text(nodes: list[Node]) -> str:
    entries = []
    for node in nodes:
        entries.append(
            f"- id: {node.id}\n"
            f'  province_code: "{node.province_code}"\n'
            f"  name: {{zh: {node.name_zh}, en: {node.name_en}}}\n"
            f"  url: {node.url}\n"
            f"  log_vkey: {node.log_vkey}\n"
            f"  witness_vkey: {node.witness_vkey}\n"
        )
    return "".join(entries)


def prepare(root: Path, ports: list[int], certificates: int = 3) -> list[Node]:
    """Four nodes under ``root``: one database migrated and copied to each, each node's log key
    made and pinned in the shared peers file, and ``certificates`` issued on each in its own
    province (the log caught up). Nothing is started."""
    # Each node's commands run in its own directory: the paths they are given must not depend
    # on it.
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    peers_file = root / "peers.yaml"
    peers_file.write_text("", encoding="utf-8")
    nodes = [
        Node(node_id, province, zh, en, port, root / node_id, peers_file)
        for (node_id, province, zh, en), port in zip(PROVINCES, ports, strict=True)
    ]
    template = Node("template", "", "", "", ports[0], root / "template", peers_file)
    template.home.mkdir(exist_ok=True)
    template.run("migrate", "--no-input", "-v", "0")
    for node in nodes:
        node.home.mkdir(exist_ok=True)
        shutil.copy(template.home / "greencert.sqlite3", node.home / "greencert.sqlite3")
        node.log_vkey = node.run("log", "vkey").strip()
        node.witness_vkey = node.run("log", "witness-vkey").strip()
    peers_file.write_text(peers_file_text(nodes), encoding="utf-8")
    for node in nodes:
        if certificates:
            node.run(
                "federation_seed",
                "--province",
                node.province_code,
                "--certificates",
                str(certificates),
            )
        node.run("log", "catch-up")
    return nodes


def numbers_of(node: Node) -> list[str]:
    """The registry numbers of the certificates a node holds as its own."""
    out = node.run(
        "shell",
        "--no-imports",
        "-c",
        "from greencert.certification.models import Certificate\n"
        "print('\\n'.join(Certificate.objects.order_by('id').values_list('number', flat=True)))",
    )
    return [line for line in out.split() if line.startswith("GC")]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path("var/federation"))
    parser.add_argument("--certificates", type=int, default=3)
    parser.add_argument("--first-port", type=int, default=8001)
    options = parser.parse_args()
    if options.root.exists():
        shutil.rmtree(options.root)
    ports = [options.first_port + i for i in range(len(PROVINCES))]
    print(f"Preparing four nodes under {options.root} …", flush=True)
    nodes = prepare(options.root, ports, options.certificates)
    try:
        for node in nodes:
            node.start(worker=True)
            print(f"  {node.id} ({node.name_en}) serves {node.url}", flush=True)
        # Each node's checkpoint is cosigned by the other three, then each follows the others:
        # replication applies entries only under a witnessed checkpoint.
        for node in nodes:
            node.run("log", "witness-submit")
        for node in nodes:
            node.replicate()
        print("\nEach node shows the other nodes' certificates:")
        own = {node.id: numbers_of(node) for node in nodes}
        for node in nodes:
            for other in nodes:
                if other is not node and own[other.id]:
                    print(f"  {node.id}: {node.url}/verify/{own[other.id][0]}  ({other.name_en})")
        print(
            "\nWorkers follow the peers every few seconds (logs in "
            f"{options.root}/<node>/worker.log). Ctrl-C stops all four nodes.",
            flush=True,
        )
        signal.signal(signal.SIGTERM, _interrupt)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        for node in nodes:
            node.stop()


if __name__ == "__main__":
    main()
