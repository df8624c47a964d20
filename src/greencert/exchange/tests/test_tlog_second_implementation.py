"""The node's log checked by a second implementation: Go's golang.org/x/mod/sumdb/note and
.../tlog (the Debian package golang-golang-x-mod-dev), the reference most log auditors use.
Skipped where Go or that package is not installed."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from greencert.exchange.tlog import note, storage
from greencert.exchange.tlog.tiles import decode_bundle, entry_bundles_for_size, tiles_for_size

GOPATH = Path("/usr/share/gocode")
PROGRAM = Path(__file__).with_name("tlog_go") / "verify.go"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("go") is None or not (GOPATH / "src/golang.org/x/mod/sumdb/tlog").is_dir(),
        reason="Go and golang.org/x/mod (golang-golang-x-mod-dev) are not installed",
    ),
]


def run_go(job: dict, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GO111MODULE": "off",
        "GOPATH": str(GOPATH),
        "GOCACHE": str(tmp_path / "gocache"),
        "GOFLAGS": "",
    }
    return subprocess.run(
        ["go", "run", str(PROGRAM)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def job_for(client, tmp_path: Path, earlier: str) -> dict:
    checkpoint = client.get("/log/checkpoint").content.decode()
    size = note.parse_checkpoint(
        note.open_note(checkpoint, note.parse_verifier_key(storage.verifier_key()))
    ).size
    tiles = tmp_path / "tiles"
    for tile in tiles_for_size(size):
        path = tiles / tile.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(client.get(f"/log/{tile.path()}").content)
    entries = [
        base64.b64encode(entry).decode()
        for bundle in entry_bundles_for_size(size)
        for entry in decode_bundle(client.get(f"/log/{bundle.path()}").content)
    ]
    old = note.parse_checkpoint(earlier.split("\n\n")[0] + "\n")
    return {
        "vkey": storage.verifier_key(),
        "checkpoint": checkpoint,
        "tile_dir": str(tiles),
        "entries": entries,
        "proofs": [],
        "old_size": old.size,
        "old_root": base64.b64encode(old.root_hash).decode(),
    }


def test_go_accepts_the_checkpoint_tiles_and_consistency(client, grown_log, issue, tmp_path):
    earlier = client.get("/log/checkpoint").content.decode()
    issue()
    storage.catch_up()
    result = run_go(job_for(client, tmp_path, earlier), tmp_path)
    assert result.stdout.strip() == "ok", result.stdout + result.stderr


def test_go_accepts_the_proof_endpoints_inclusion_proofs(client, grown_log, tmp_path):
    earlier = client.get("/log/checkpoint").content.decode()
    job = job_for(client, tmp_path, earlier)
    answer = client.get(f"/api/v1/certificates/{grown_log.number}/proof").json()
    job["proofs"] = [
        {"index": e["leaf_index"], "proof": e["inclusion_proof"]} for e in answer["events"]
    ]
    job["old_size"] = 0
    result = run_go(job, tmp_path)
    assert result.stdout.strip() == "ok", result.stdout + result.stderr


def test_go_refuses_a_tampered_tile(client, grown_log, tmp_path):
    earlier = client.get("/log/checkpoint").content.decode()
    job = job_for(client, tmp_path, earlier)
    tile = Path(job["tile_dir"]) / "tile/0/000"
    tile.write_bytes(bytes(32) + tile.read_bytes()[32:])
    result = run_go(job, tmp_path)
    assert result.returncode != 0
    assert "ok" not in result.stdout.split()
