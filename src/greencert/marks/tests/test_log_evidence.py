"""Credentials and receipts carry the node's signed checkpoint and the inclusion proof of the event
they state, and ``credential verify`` / ``receipt verify`` check it without the network."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.test import Client

from greencert.certification.actions import revoke_certificate, suspend_certificate
from greencert.certification.lifecycle.history import latest_sequence
from greencert.certification.lifecycle.tree_head import event_leaf, feed_events
from greencert.core.actors import Actor
from greencert.core.merkle import leaf_hash
from greencert.core.tests.fixtures import in_days
from greencert.exchange import peers
from greencert.exchange.tlog import note, proofs, storage
from greencert.exchange.tlog.cosigners import cosigners
from greencert.exchange.tlog.note import public_bytes
from greencert.exchange.witness import cosignature
from greencert.marks import keys, log_evidence
from greencert.marks.credentials import credential_claims
from greencert.marks.offline_checks import CREDENTIAL_TYPE, RECEIPT_TYPE


def latest(certificate: Any) -> int:
    sequence = latest_sequence(certificate.pk)
    assert sequence is not None
    return sequence


def payload_of(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def credential_of(client: Client, number: str) -> dict[str, Any]:
    return payload_of(client.get(f"/api/v1/certificates/{number}/credential").content.decode())


def receipt_of(client: Client, number: str, at: str = "") -> dict[str, Any]:
    query = f"?at={at}" if at else ""
    return client.get(f"/api/v1/certificates/{number}/receipt{query}").json()


def proof_in(claims: dict[str, Any]) -> dict[str, Any]:
    (entry,) = claims["evidence"]
    return entry


def run(command: str, path: Path, trust: Path, *extra: str) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command(command, "verify", str(path), "--trust", str(trust), *extra, stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def signed_credential(tmp_path: Path, claims: dict[str, Any]) -> Path:
    """A credential the node signed over ``claims``: the JWS holds, only the log proof is in
    question."""
    path = tmp_path / "c.vc.jwt"
    path.write_text(keys.sign(claims, typ=CREDENTIAL_TYPE))
    return path


def signed_receipt(tmp_path: Path, statement: dict[str, Any]) -> Path:
    path = tmp_path / "receipt.jws"
    path.write_text(keys.sign(statement, typ=RECEIPT_TYPE))
    return path


def flip(b64_hash: str) -> str:
    raw = bytearray(base64.b64decode(b64_hash))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


# What documents carry


def test_a_credential_carries_the_checkpoint_and_the_proof_of_the_latest_event(
    issued_certificate, client: Client
):
    entry = proof_in(credential_of(client, issued_certificate.number))

    vkey = client.get("/log/vkey").content.decode()
    checkpoint = note.open_checkpoint(entry["checkpoint"], note.parse_verifier_key(vkey))
    sequence = latest(issued_certificate)
    assert entry["type"] == ["TransparencyLogInclusionProof"]
    assert entry["leafIndex"] == sequence - 1
    assert entry["leaf"].encode() == event_leaf(next(feed_events(sequence, sequence)))
    assert json.loads(entry["leaf"])["certificate"] == issued_certificate.number
    assert proofs.verify_inclusion(
        leaf_hash(entry["leaf"].encode()),
        entry["leafIndex"],
        checkpoint.size,
        [base64.b64decode(h) for h in entry["inclusionProof"]],
        checkpoint.root_hash,
    )
    assert entry["id"].endswith(f"/api/v1/certificates/{issued_certificate.number}/proof")


def test_a_credential_issued_before_the_worker_logged_the_event_carries_a_covering_checkpoint(
    issue, client: Client
):
    first = issue()
    storage.catch_up()
    logged = storage.latest_checkpoint().size
    second = issue()  # committed; no worker has logged it yet
    assert storage.latest_checkpoint().size == logged

    entry = proof_in(credential_of(client, second.number))

    size = note.parse_checkpoint(entry["checkpoint"].rpartition("\n\n")[0] + "\n").size
    assert size >= latest(second) > logged
    assert entry["checkpoint"] == storage.latest_checkpoint().note
    assert first.number != second.number


def test_the_checkpoint_carried_is_the_one_the_log_serves(issued_certificate, client: Client):
    entry = proof_in(credential_of(client, issued_certificate.number))

    assert entry["checkpoint"] == client.get("/log/checkpoint").content.decode()


def test_a_receipt_carries_the_proof_of_the_event_its_status_comes_from(
    issue, body_staff: Actor, client: Client
):
    with time_machine.travel(dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        certificate = issue()
    issued = latest(certificate)
    revoke_certificate(body_staff, certificate, reason_code="R04")

    before = receipt_of(client, certificate.number, "2024-06-01")["statement"]
    now = receipt_of(client, certificate.number)["statement"]

    assert json.loads(before["transparencyLog"]["leaf"])["sequence"] == issued
    assert json.loads(before["transparencyLog"]["leaf"])["status_after"] == "01"
    assert json.loads(now["transparencyLog"]["leaf"])["status_after"] == "03"


def test_a_receipt_for_a_day_before_issue_carries_no_proof(issued_certificate, client: Client):
    statement = receipt_of(client, issued_certificate.number, "2001-01-01")["statement"]

    assert statement["status"]["code"] is None
    assert "transparencyLog" not in statement


# Offline verification: what passes


def test_the_cli_checks_the_credentials_proof_with_the_key_from_did_json(
    issued_certificate, client: Client, did_trust_file: Path, tmp_path: Path
):
    path = tmp_path / "c.vc.jwt"
    path.write_text(
        client.get(f"/api/v1/certificates/{issued_certificate.number}/credential").content.decode()
    )
    checkpoint = storage.latest_checkpoint()

    ok, output = run("credential", path, did_trust_file, "--offline")

    assert ok, output
    assert "✓ checkpoint: " in output
    assert "✓ inclusion: " in output
    assert "✓ log record: " in output
    assert f"certificate {issued_certificate.number}, status 有效 valid (01), as stated" in output
    root = base64.b64encode(bytes(checkpoint.root_hash)).decode()
    assert (
        f"rests on: 日志 log 127.0.0.1:8000/log · 检查点 checkpoint of {checkpoint.size} entries"
        f" · root {root}" in output
    )
    assert "cosigned by: 无 none" in output


def test_the_cli_takes_the_log_key_on_the_command_line(
    issued_certificate, client: Client, trust_file: Path, tmp_path: Path
):
    path = tmp_path / "c.vc.jwt"
    path.write_text(
        client.get(f"/api/v1/certificates/{issued_certificate.number}/credential").content.decode()
    )
    vkey = client.get("/log/vkey").content.decode().strip()

    ok, output = run("credential", path, trust_file, "--offline", "--log-vkey", vkey)

    assert ok, output
    assert "✓ inclusion: " in output


def test_the_cli_takes_the_log_key_pinned_for_a_peer(
    issued_certificate, client: Client, trust_file: Path, tmp_path: Path, settings
):
    vkey = client.get("/log/vkey").content.decode().strip()
    settings.GREENCERT_PEERS_FILE = str(peers_file(tmp_path, log_vkey=vkey))
    path = tmp_path / "c.vc.jwt"
    path.write_text(
        client.get(f"/api/v1/certificates/{issued_certificate.number}/credential").content.decode()
    )

    ok, output = run("credential", path, trust_file, "--offline")

    assert ok, output
    assert "✓ checkpoint: " in output


def test_without_a_log_key_the_checkpoint_is_reported_not_checked(
    issued_certificate, client: Client, trust_file: Path, tmp_path: Path
):
    path = tmp_path / "c.vc.jwt"
    path.write_text(
        client.get(f"/api/v1/certificates/{issued_certificate.number}/credential").content.decode()
    )

    ok, output = run("credential", path, trust_file, "--offline")

    assert ok, output
    assert "– checkpoint: 未核对" in output
    assert "no verifier key for log 127.0.0.1:8000/log" in output


def test_a_credential_issued_before_documents_carried_proofs_verifies_as_it_did(
    issued_certificate, did_trust_file: Path, tmp_path: Path
):
    claims = credential_claims(issued_certificate)
    del claims["evidence"]

    ok, output = run("credential", signed_credential(tmp_path, claims), did_trust_file, "--offline")

    assert ok, output
    assert "– transparency log: 不携带透明日志证明" in output


def test_the_cli_checks_a_receipts_proof(
    issued_certificate, client: Client, did_trust_file: Path, tmp_path: Path
):
    path = tmp_path / "receipt.json"
    path.write_bytes(
        client.get(f"/api/v1/certificates/{issued_certificate.number}/receipt").content
    )

    ok, output = run("receipt", path, did_trust_file)

    assert ok, output
    assert "✓ inclusion: " in output
    assert "✓ log record: " in output
    assert "rests on: 日志 log 127.0.0.1:8000/log" in output


# Offline verification: what fails, and says why in both languages


def test_a_tampered_inclusion_proof_fails(issue, did_trust_file: Path, tmp_path: Path):
    certificate = issue()
    issue()  # a second leaf, so that the proof holds a hash
    claims = credential_claims(certificate)
    entry = proof_in(claims)
    assert entry["inclusionProof"]
    entry["inclusionProof"][0] = flip(entry["inclusionProof"][0])

    ok, output = run("credential", signed_credential(tmp_path, claims), did_trust_file, "--offline")

    assert not ok
    assert "✗ transparency log: 包含证明不成立" in output
    assert "the inclusion proof fails" in output


def test_a_checkpoint_under_the_wrong_key_fails(
    issued_certificate, trust_file: Path, tmp_path: Path
):
    other = Ed25519PrivateKey.generate()
    wrong = note.verifier_key("127.0.0.1:8000/log", note.public_bytes(other.public_key()))
    claims = credential_claims(issued_certificate)

    ok, output = run(
        "credential",
        signed_credential(tmp_path, claims),
        trust_file,
        "--offline",
        "--log-vkey",
        wrong,
    )

    assert not ok
    assert "✗ transparency log: 检查点签名不成立" in output
    assert "the checkpoint's signature does not verify under the key of log" in output


def test_a_log_key_for_another_log_fails(issued_certificate, trust_file: Path, tmp_path: Path):
    other = Ed25519PrivateKey.generate()
    elsewhere = note.verifier_key("example.org/log", note.public_bytes(other.public_key()))
    claims = credential_claims(issued_certificate)

    ok, output = run(
        "credential",
        signed_credential(tmp_path, claims),
        trust_file,
        "--offline",
        "--log-vkey",
        elsewhere,
    )

    assert not ok
    assert (
        "✗ transparency log: 检查点属于日志 127.0.0.1:8000/log，而给出的验证密钥属于 example.org/log"
        in (output)
    )
    assert "the verifier keys given are for example.org/log" in output


def test_a_checkpoint_signed_by_someone_else_for_the_same_origin_fails(
    issued_certificate, did_trust_file: Path, tmp_path: Path
):
    forger = Ed25519PrivateKey.generate()
    claims = credential_claims(issued_certificate)
    entry = proof_in(claims)
    text = entry["checkpoint"].rpartition("\n\n")[0] + "\n"
    entry["checkpoint"] = note.sign_note(text, "127.0.0.1:8000/log", forger)

    ok, output = run("credential", signed_credential(tmp_path, claims), did_trust_file, "--offline")

    assert not ok
    assert "✗ transparency log: 检查点签名不成立" in output


def test_an_altered_leaf_fails(issued_certificate, did_trust_file: Path, tmp_path: Path):
    claims = credential_claims(issued_certificate)
    entry = proof_in(claims)
    leaf = json.loads(entry["leaf"])
    leaf["reason_code"] = "X99"
    entry["leaf"] = json.dumps(leaf, separators=(",", ":"), sort_keys=True)

    ok, output = run("credential", signed_credential(tmp_path, claims), did_trust_file, "--offline")

    assert not ok
    assert "the proof or the leaf has been altered" in output


def test_a_credential_whose_logged_event_is_a_suspension_fails_the_status_agreement(
    issued_certificate, body_staff: Actor, did_trust_file: Path, tmp_path: Path
):
    claims = credential_claims(issued_certificate)
    suspend_certificate(body_staff, issued_certificate, reason_code="S01", until=in_days(30))
    claims["evidence"] = [log_evidence.evidence_for(latest(issued_certificate))]

    ok, output = run("credential", signed_credential(tmp_path, claims), did_trust_file, "--offline")

    assert not ok
    assert "✗ log record: 日志记录为证书" in output
    assert "status 暂停 suspended (02); the document states" in output
    assert "✓ inclusion: " in output


def test_a_receipt_stating_another_status_than_its_logged_event_fails(
    issued_certificate, client: Client, did_trust_file: Path, tmp_path: Path
):
    statement = receipt_of(client, issued_certificate.number)["statement"]
    statement["status"]["code"] = "03"

    ok, output = run("receipt", signed_receipt(tmp_path, statement), did_trust_file)

    assert not ok
    assert "✗ log record: " in output
    assert "the document states" in output


def test_a_proof_for_another_certificate_fails(issue, did_trust_file: Path, tmp_path: Path):
    mine, other = issue(), issue()
    claims = credential_claims(mine)
    claims["evidence"] = [log_evidence.evidence_for(latest(other))]

    ok, output = run("credential", signed_credential(tmp_path, claims), did_trust_file, "--offline")

    assert not ok
    assert f"the log records certificate {other.number}" in output


# Cosignatures


# The Zhejiang node's witness key, pinned in the peers file the tests write.
WITNESS_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
WITNESS_VKEY = cosignature.cosigner_vkey("yrd-zj", public_bytes(WITNESS_KEY.public_key()))
WITNESS_KEY_ID = WITNESS_VKEY.split("+")[1]


def peers_file(tmp_path: Path, log_vkey: str = "127.0.0.1:8003/log+0a1b2c3e+AbCe") -> Path:
    path = tmp_path / "peers.yaml"
    path.write_text(
        "- id: yrd-zj\n"
        '  province_code: "330000"\n'
        "  name: {zh: 浙江省节点, en: Zhejiang node}\n"
        "  url: http://127.0.0.1:8003\n"
        f"  log_vkey: {log_vkey}\n"
        f"  witness_vkey: {WITNESS_VKEY}\n",
        encoding="utf-8",
    )
    peers.clear_cache()
    return path


@pytest.fixture
def zhejiang_peer(tmp_path: Path, settings):
    settings.GREENCERT_PEERS_FILE = str(peers_file(tmp_path))
    yield
    peers.clear_cache()


def cosignature_line(name: str, key_id: str) -> str:
    raw = bytes.fromhex(key_id) + bytes(8) + bytes(64)  # a timestamp and a signature of zeros
    return f"\u2014 {name} {base64.b64encode(raw).decode()}\n"


def real_cosignature(note_text: str) -> str:
    """The Zhejiang witness's C2SP cosignature over the checkpoint of ``note_text``."""
    return cosignature.cosign(
        note_text.partition("\n\n")[0] + "\n", "yrd-zj", WITNESS_KEY, 1_700_000_000
    )


def test_cosigners_are_the_signature_lines_other_than_the_logs_own(
    issued_certificate, zhejiang_peer
):
    storage.catch_up()
    signed = storage.latest_checkpoint().note
    cosigned = (
        signed
        + real_cosignature(signed)
        + cosignature_line("yrd-zj", WITNESS_KEY_ID)
        + cosignature_line("somebody", "01020304")
    )

    found = cosigners(cosigned)

    assert cosigners(signed) == []
    assert [(c.name, c.key_id, c.verified) for c in found] == [
        ("yrd-zj", WITNESS_KEY_ID, True),
        ("yrd-zj", WITNESS_KEY_ID, False),
        ("somebody", "01020304", None),
    ]
    assert found[0].peer is not None and found[0].peer.id == "yrd-zj"
    assert found[2].peer is None
    assert found[0].describe("en") == "Zhejiang node (cosignature verified)"
    assert found[0].describe("zh-hans") == "浙江省节点（联署有效）"
    assert found[1].describe("en") == "Zhejiang node (cosignature does not verify)"
    assert found[2].describe("en") == "somebody (not a listed node's witness key, not checked)"


def test_the_cli_lists_the_cosignatures_it_checked(
    issued_certificate, zhejiang_peer, did_trust_file: Path, tmp_path: Path
):
    claims = credential_claims(issued_certificate)
    entry = proof_in(claims)
    entry["checkpoint"] += real_cosignature(entry["checkpoint"])

    ok, output = run("credential", signed_credential(tmp_path, claims), did_trust_file, "--offline")

    assert ok, output
    assert "✓ checkpoint: " in output
    assert "cosigned by: 浙江省节点（联署有效） / Zhejiang node (cosignature verified)" in output


def test_a_batch_receipt_is_said_to_carry_no_log_proof():
    from greencert.marks.offline_checks import check_receipt_log

    checks, tree = check_receipt_log({"type": "BatchVerificationReceipt", "results": []}, [])

    assert [c.line() for c in checks] == [
        "– transparency log: 批量核验回执不携带透明日志证明 / a batch verification receipt "
        "carries no transparency log proof"
    ]
    assert tree == []
