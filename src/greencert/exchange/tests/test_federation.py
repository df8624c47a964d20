"""Four provincial nodes as processes on loopback, each with its own database, keys and server:
certificates issued on every node verify on every other, with the node that is authoritative;
a node that is down does not stop the others, its certificates still verify elsewhere as of the
last checkpoint applied, and it is caught up once it is back."""

from __future__ import annotations

import json
import socket
import urllib.request

import pytest

from greencert.exchange.replication.federation import Node, numbers_of, prepare

pytestmark = pytest.mark.slow


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
    back = shanghai.replicate()
    assert back.returncode == 0, back.stdout + back.stderr
    new = numbers_of(jiangsu)[-1]
    assert new not in own["yrd-js"]
    caught_up = answer(shanghai, new)
    assert caught_up["status"]["code"] == "01"
    assert caught_up["authority"]["checkpoint_size"] == 4
