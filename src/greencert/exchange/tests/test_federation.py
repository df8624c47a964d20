"""Four provincial nodes as processes on loopback, each with its own database, keys and server:
certificates issued on every node verify on every other, with the node that is authoritative;
a node that is down does not stop the others, its certificates still verify elsewhere as of the
last checkpoint applied, and it is caught up once it is back."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from greencert.exchange.replication.federation import BIN, Node, numbers_of, prepare

pytestmark = [
    pytest.mark.slow,
    # The nodes keep their own embedded databases whatever engine the suite runs on: once is enough.
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="the four nodes run on their own SQLite databases; run in the SQLite pass",
    ),
]


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def read(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def answer(node: Node, number: str) -> dict:
    status, text = read(f"{node.url}/api/v1/certificates/{number}")
    assert status == 200
    return json.loads(text)


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    nodes = prepare(tmp_path_factory.mktemp("federation"), free_ports(4), certificates=2)
    try:
        for node in nodes:
            node.start()
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def test_four_nodes_replicate_and_survive_a_node_going_down(federation):
    own = {node.id: numbers_of(node) for node in federation}
    assert all(len(numbers) == 2 for numbers in own.values())
    # Each node submits its checkpoint to the other three's witnesses: every checkpoint is
    # cosigned by three nodes (witnessed). Replication applies entries only under such a one.
    for node in federation:
        node.run("log", "witness-submit")
    for node in federation:
        round_ = node.replicate()
        assert round_.returncode == 0, round_.stdout + round_.stderr

    # Every node answers for every other node's certificates, naming the authoritative node.
    for node in federation:
        for other in federation:
            if other is node:
                continue
            valid, suspended = (answer(node, number) for number in own[other.id])
            for found in (valid, suspended):
                assert found["authority"]["node"] == other.id
                assert found["authority"]["checkpoint_size"] == 3  # issued ×2, suspended ×1
            assert (valid["status"]["code"], suspended["status"]["code"]) == ("01", "02")
            # Details come from the signed credential, checked over HTTP; a suspended
            # certificate has none, and verifies by its status from the log alone.
            assert valid["details_verified"] is True and valid["holder"]["name"]
            assert suspended["details_verified"] is False
            _, page = read(f"{node.url}/verify/{own[other.id][0]}?lang=en")
            assert f"Authoritative node: {other.name_en}, as of checkpoint 3" in page

    for node in federation:
        _, note_text = read(f"{node.url}/log/checkpoint")
        cosignatures = [
            line
            for line in note_text.splitlines()
            if line.startswith("\u2014 ") and "/witness " in line
        ]
        assert len(cosignatures) == 3, note_text
    _, page = read(f"{federation[0].url}/verify/{own['yrd-sh'][0]}?lang=en")
    assert "witnessed" in page and "not yet witnessed" not in page

    shanghai, jiangsu = federation[0], federation[1]
    # Jiangsu goes down: Shanghai's round fails for it alone, and still answers for it.
    jiangsu.stop()
    down = shanghai.replicate()
    assert down.returncode != 0
    assert "yrd-js: FAILED" in down.stdout and "yrd-zj: applied 0" in down.stdout
    assert answer(shanghai, own["yrd-js"][0])["authority"]["checkpoint_size"] == 3

    # Jiangsu issues while down (its own database), comes back, and Shanghai catches up.
    jiangsu.run("federation_seed", "--province", "320000", "--certificates", "1")
    jiangsu.run("log", "catch-up")
    jiangsu.start()
    jiangsu.run("log", "witness-submit")
    back = shanghai.replicate()
    assert back.returncode == 0, back.stdout + back.stderr
    new = numbers_of(jiangsu)[-1]
    assert new not in own["yrd-js"]
    caught_up = answer(shanghai, new)
    assert caught_up["status"]["code"] == "01"
    assert caught_up["authority"]["checkpoint_size"] == 4


def audit(node: Node, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(BIN / "greencert"),
            "log",
            "audit",
            f"{node.url}/log",
            "--vkey",
            node.log_vkey,
            *extra,
        ],
        env=node.environment(),
        capture_output=True,
        text=True,
        check=False,
    )


def tamper(node: Node, sql: list[str]) -> None:
    """What a database superuser can do behind the application's back: drop the append-only
    triggers and run ``sql`` on the node's database (the node is stopped meanwhile)."""
    node.stop()
    database = sqlite3.connect(node.home / "greencert.sqlite3")
    for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
        database.execute(f'DROP TRIGGER "{name}"')
    for statement in sql:
        database.execute(statement)
    database.commit()
    database.close()
    node.start()


def test_a_history_rewritten_behind_the_applications_back_is_refused_and_raises_the_alert(
    federation,
):
    shanghai, anhui = federation[0], federation[3]
    for node in federation:
        assert node.replicate().returncode == 0
    saved = anhui.home / "saved-checkpoint"
    assert audit(anhui, "--save", str(saved)).returncode == 0

    # An event is rewritten in Anhui's database: its log no longer matches its entries.
    tamper(
        anhui, ["UPDATE certification_certificateevent SET status_after = '03' WHERE sequence = 1"]
    )
    rewritten = audit(anhui)
    assert rewritten.returncode != 0 and "FAILED" in rewritten.stdout

    # The tamperer rebuilds the log to match: a new checkpoint of the same size, another tree.
    tamper(
        anhui,
        [
            "DELETE FROM exchange_logcosignature",
            "DELETE FROM exchange_loghash",
            "DELETE FROM exchange_logcheckpoint",
        ],
    )
    anhui.run("log", "catch-up")
    assert audit(anhui).returncode == 0  # consistent with itself …
    assert audit(anhui, "--since", str(saved)).returncode != 0  # … but not with what was seen

    # The other nodes refuse it, keep both signed checkpoints and raise the regulators' alert.
    refused = shanghai.replicate()
    assert refused.returncode != 0 and "inconsistent" in refused.stdout + refused.stderr
    anhui.run("log", "witness-submit")
    _, text = read(f"{shanghai.url}/api/v1/witness/peers")
    peer = next(p for p in json.loads(text)["peers"] if p["id"] == "yrd-ah")
    alerts = peer["alerts"]
    assert alerts and {a["kind"] for a in alerts} <= {"split_view", "rewritten"}
    assert all(a["held_note"] != a["offered_note"] for a in alerts)
