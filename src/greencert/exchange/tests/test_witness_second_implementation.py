"""Witness cosignatures and the log's consistency proofs checked by a second implementation:
Go's golang.org/x/mod/sumdb/note parser (with a cosignature/v1 verifier and signer plugged into
it) and .../tlog's CheckTree (the Debian package golang-golang-x-mod-dev). Skipped where Go or
that package is not installed."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from greencert.exchange.models import LogCheckpoint
from greencert.exchange.tlog import note, storage
from greencert.exchange.witness import cosignature, submit

GOPATH = Path("/usr/share/gocode")
PROGRAM = Path(__file__).with_name("witness_go") / "cosign.go"
NAME = "127.0.0.1:8003/witness"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("go") is None or not (GOPATH / "src/golang.org/x/mod/sumdb/note").is_dir(),
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


@pytest.fixture
def witness_key():
    key = Ed25519PrivateKey.generate()
    return key, cosignature.cosigner_vkey(NAME, note.public_bytes(key.public_key()))


def latest() -> LogCheckpoint:
    checkpoint = storage.latest_checkpoint()
    assert checkpoint is not None
    return checkpoint


def grown_by_one_issue(issue) -> tuple[int, bytes]:
    old = latest()
    issue()
    storage.catch_up()
    return old.size, bytes(old.root_hash)


def verify_job(checkpoint, old_size, old_root, cosigned_note, vkey) -> dict:
    head = submit.request_body(old_size, checkpoint).decode().partition("\n\n")[0]
    return {
        "mode": "verify",
        "log_vkey": storage.verifier_key(),
        "note": cosigned_note,
        "cosigner_vkey": vkey,
        "old_size": old_size,
        "old_root": base64.b64encode(old_root).decode(),
        "new_size": checkpoint.size,
        "new_root": base64.b64encode(bytes(checkpoint.root_hash)).decode(),
        "proof": head.split("\n")[1:],
        "want_cosignature": True,
    }


def test_go_accepts_the_cosignature_and_the_proof_the_log_sends(
    grown_log, issue, witness_key, tmp_path
):
    old_size, old_root = grown_by_one_issue(issue)
    checkpoint = latest()
    key, vkey = witness_key
    line = cosignature.cosign(submit.checkpoint_text(checkpoint), NAME, key, 1_700_000_000)
    job = verify_job(checkpoint, old_size, old_root, checkpoint.note + line, vkey)
    result = run_go(job, tmp_path)
    assert result.stdout.strip() == "ok", result.stdout + result.stderr


def test_go_refuses_a_cosignature_with_an_altered_timestamp(
    grown_log, issue, witness_key, tmp_path
):
    old_size, old_root = grown_by_one_issue(issue)
    checkpoint = latest()
    key, vkey = witness_key
    line = cosignature.cosign(submit.checkpoint_text(checkpoint), NAME, key, 1_700_000_000)
    prefix, _, encoded = line.rstrip("\n").rpartition(" ")
    raw = bytearray(base64.b64decode(encoded))
    raw[11] ^= 1
    forged = f"{prefix} {base64.b64encode(bytes(raw)).decode()}\n"
    result = run_go(
        verify_job(checkpoint, old_size, old_root, checkpoint.note + forged, vkey), tmp_path
    )
    assert result.returncode != 0
    assert "ok" not in result.stdout.split()


def test_a_cosignature_made_by_go_verifies_here(grown_log, witness_key, tmp_path):
    checkpoint = latest()
    key, vkey = witness_key
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    job = {
        "mode": "sign",
        "log_vkey": storage.verifier_key(),
        "note": checkpoint.note,
        "name": NAME,
        "seed": base64.b64encode(seed).decode(),
        "time": 1_700_000_123,
    }
    result = run_go(job, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = cosignature.signature_lines(result.stdout.partition("\n\n")[2])
    text = submit.checkpoint_text(checkpoint)
    stamps = []
    for line in lines:
        try:
            stamps.append(cosignature.verify_cosignature(text, line, vkey))
        except cosignature.CosignatureError:
            continue
    assert stamps == [1_700_000_123]
