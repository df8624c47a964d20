"""Another node's log and witness, made in the test process: an in-memory RFC 6962 tree signed
with a key generated here, and a peers file naming it."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from greencert.core.merkle import leaf_hash, node_hash
from greencert.exchange import peers
from greencert.exchange.tlog import note, proofs
from greencert.exchange.witness import cosignature, submit, witness

JIANGSU_ORIGIN = "127.0.0.1:8002/log"


class ForeignLog:
    """A peer's log of ``entries`` leaves; ``rewrite_from`` changes every entry from there on."""

    def __init__(
        self,
        origin: str = JIANGSU_ORIGIN,
        entries: int = 32,
        key: Ed25519PrivateKey | None = None,
        rewrite_from: int | None = None,
    ) -> None:
        self.origin = origin
        self.key = key or Ed25519PrivateKey.generate()
        self.vkey = note.verifier_key(origin, note.public_bytes(self.key.public_key()))
        self.leaves = [
            leaf_hash(
                f"entry {i}{' rewritten' if rewrite_from is not None and i >= rewrite_from else ''}".encode()
            )
            for i in range(entries)
        ]
        self.levels = [self.leaves]
        while len(self.levels[-1]) > 1:
            below = self.levels[-1]
            self.levels.append(
                [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            )

    def get(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def root(self, size: int) -> bytes:
        return proofs.root(self.get, size)

    def checkpoint(self, size: int, key: Ed25519PrivateKey | None = None) -> str:
        text = note.Checkpoint(self.origin, size, self.root(size)).text()
        return note.sign_note(text, self.origin, key or self.key)

    def proof(self, old: int, new: int) -> list[bytes]:
        return proofs.consistency_proof(self.get, old, new)

    def request(
        self, old: int, size: int, proof: list[bytes] | None = None, signed: str | None = None
    ) -> bytes:
        proof = self.proof(old, size) if proof is None else proof
        lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
        return ("\n".join(lines) + "\n\n" + (signed or self.checkpoint(size))).encode()


def new_witness(name: str) -> tuple[Ed25519PrivateKey, str]:
    """A peer's witness key and its verifier key."""
    key = Ed25519PrivateKey.generate()
    return key, cosignature.cosigner_vkey(name, note.public_bytes(key.public_key()))


def peer_entry(
    peer_id: str, province: str, url: str, log_vkey: str, witness_vkey: str = ""
) -> dict[str, Any]:
    entry = {
        "id": peer_id,
        "province_code": province,
        "name": {"zh": f"{peer_id} 节点", "en": f"{peer_id} node"},
        "url": url,
        "log_vkey": log_vkey,
    }
    if witness_vkey:
        entry["witness_vkey"] = witness_vkey
    return entry


def use_peers(settings: Any, tmp_path: Path, entries: list[dict[str, Any]]) -> None:
    path = tmp_path / "peers.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    settings.GREENCERT_PEERS_FILE = str(path)
    peers.clear_cache()


class FakeWitness:
    """A peer's witness that cosigns whatever its log sends, with its own key."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.key, self.vkey = new_witness(name)
        self.requests: list[bytes] = []

    def __call__(self, url: str, body: bytes, timeout: float) -> submit.Reply:
        self.requests.append(body)
        signed = witness.parse_request(body).note
        text = signed.partition("\n\n")[0] + "\n"
        line = cosignature.cosign(text, self.name, self.key, 1_700_000_000)
        return submit.Reply(200, "text/plain; charset=utf-8", line.encode())
