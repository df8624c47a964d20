"""A provincial node built in the test: its log entries, checkpoints signed with a key made here,
its DID document and credentials, all served through a fake transport (no network)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws
from joserfc.jwk import OKPKey

from greencert.certification.lifecycle.tree_head import event_leaf
from greencert.certification.numbers import compose
from greencert.core.canonical import canonical_json
from greencert.core.merkle import tree_root
from greencert.exchange import peers
from greencert.exchange.tlog import note
from greencert.exchange.tlog.client import FetchFailed
from greencert.exchange.tlog.tiles import WIDTH, encode_bundle, parse_index, parse_width
from greencert.marks.identity import did_for_url

URL = "http://js.example"
ORIGIN = "js.example/log"
HOLDER = "91320500MA1P2Q3R4J"  # a valid unified social credit code (GB 32100)


def js_number(serial: int) -> str:
    """A Jiangsu registry number whose check character is one numbers use."""
    while (number := compose("32", 2025, serial)) is None:
        serial += 1000
    return number


@dataclass
class FakePeer:
    """Jiangsu's node as the follower sees it. ``events`` are its published feed events;
    ``published`` how many of them its checkpoint covers (all, unless set)."""

    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    credential_key: OKPKey = field(default_factory=lambda: OKPKey.generate_key("Ed25519"))
    events: list[dict[str, Any]] = field(default_factory=list)
    published: int | None = None
    down: bool = False
    requests: list[str] = field(default_factory=list)
    # Path under the peer's URL → bytes served instead of what the peer would serve.
    overrides: dict[str, bytes] = field(default_factory=dict)

    @property
    def vkey(self) -> str:
        return note.verifier_key(ORIGIN, note.public_bytes(self.key.public_key()))

    @property
    def did(self) -> str:
        return did_for_url(URL)

    def add(
        self,
        number: str,
        event_type: str = "issued",
        status_before: str = "",
        status_after: str = "01",
        reason_code: str = "I01",
        province_code: str = "320000",
    ) -> dict[str, Any]:
        at = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC) + dt.timedelta(hours=len(self.events))
        event = {
            "sequence": len(self.events) + 1,
            "certificate": number,
            "holder": HOLDER,
            "category": "coatings",
            "province_code": province_code,
            "city_code": province_code[:2] + "0500",
            "type": event_type,
            "status_before": status_before,
            "status_after": status_after,
            "reason_code": reason_code,
            "effective_at": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "recorded_at": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        self.events.append(event)
        return event

    def leaves(self) -> list[bytes]:
        return [event_leaf(e) for e in self.events]

    def size(self) -> int:
        return len(self.events) if self.published is None else self.published

    def checkpoint(self, size: int | None = None, root: bytes | None = None) -> str:
        size = self.size() if size is None else size
        root = tree_root(self.leaves()[:size]) if root is None else root
        return note.sign_note(note.Checkpoint(ORIGIN, size, root).text(), ORIGIN, self.key)

    def credential_claims(self, number: str, holder: str = HOLDER) -> dict[str, Any]:
        return {
            "issuer": {"type": ["CredentialIssuer"], "id": self.did},
            "validFrom": "2025-03-01T00:00:00+08:00",
            "credentialSubject": {
                "name": number,
                "issuedToParty": {"name": "苏州绿涂料有限公司", "registeredId": holder},
                "authorisation": [{"name": "江苏绿色认证中心", "identifier": "CNCA-R-2025-032"}],
                "scope": {"name": "涂料"},
                "assessment": [
                    {
                        "assessedProduct": [{"name": "水性外墙涂料", "modelNumber": ["JS-100"]}],
                        "certificationUnit": "水性外墙涂料",
                        "referenceStandard": {"id": "urn:std:GB/T 35602-2017"},
                    }
                ],
                "certificate": {
                    "number": number,
                    "bodyNumber": "JSGC-2025-001",
                    "issueDate": "2025-03-01",
                    "initialIssueDate": "2025-03-01",
                    "expiryDate": "2030-02-28",
                    "grade": "",
                },
            },
        }

    def credential(self, number: str, *, key: OKPKey | None = None, holder: str = HOLDER) -> bytes:
        header = {"alg": "EdDSA", "kid": f"{self.did}#key-1", "typ": "vc+jwt"}
        payload = canonical_json(self.credential_claims(number, holder))
        token = jws.serialize_compact(
            header, payload, key or self.credential_key, algorithms=["EdDSA"]
        )
        return token.encode()

    def did_document(self, key: OKPKey | None = None) -> bytes:
        public = (key or self.credential_key).as_dict(private=False)
        kid = f"{self.did}#key-1"
        return canonical_json(
            {
                "id": self.did,
                "verificationMethod": [
                    {
                        "id": kid,
                        "type": "JsonWebKey",
                        "controller": self.did,
                        "publicKeyJwk": public,
                    }
                ],
                "assertionMethod": [kid],
            }
        )

    def serve(self, path: str) -> bytes:
        if path in self.overrides:
            return self.overrides[path]
        if path == "/log/checkpoint":
            return self.checkpoint().encode()
        if path.startswith("/log/tile/entries/"):
            rest = path.removeprefix("/log/tile/entries/")
            index, _, width = rest.partition(".p/")
            n, w = parse_index(index), parse_width(width or None)
            if n * WIDTH + w > self.size():
                raise FetchFailed(f"{URL}{path}: HTTP 404")
            return encode_bundle(self.leaves()[n * WIDTH : n * WIDTH + w])
        if path == "/.well-known/did.json":
            return self.did_document()
        if path.startswith("/borders/feed?"):  # no listings or removals to share
            return canonical_json({"feed": f"{ORIGIN}#borders", "size": 0, "records": []})
        if path.startswith("/api/v1/certificates/") and path.endswith("/credential"):
            return self.credential(path.split("/")[4])
        raise FetchFailed(f"{URL}{path}: HTTP 404")

    def get(self, url: str) -> bytes:
        """The fake transport: what this peer serves at ``url``."""
        self.requests.append(url)
        if self.down:
            raise FetchFailed(f"{url}: connection refused")
        assert url.startswith(URL), url
        return self.serve(url.removeprefix(URL))


def use_peers(
    settings: Any, tmp_path: Path, peer: FakePeer, witnesses: str = ""
) -> Callable[[], None]:
    """Name ``peer`` as Jiangsu's node in this node's peers file (and ``witnesses``, more peer
    entries). Its checkpoints are taken on its own signature unless a test asks for witnesses."""
    path = tmp_path / "peers.yaml"
    path.write_text(
        f"""- id: yrd-js
  province_code: "320000"
  name: {{zh: 江苏省节点, en: Jiangsu node}}
  url: {URL}
  log_vkey: {peer.vkey}
"""
        + witnesses,
        encoding="utf-8",
    )
    settings.GREENCERT_PEERS_FILE = str(path)
    settings.GREENCERT_REPLICATE_WITNESSED_ONLY = False
    peers.clear_cache()
    return peers.clear_cache


def js_peer() -> peers.Peer:
    """Jiangsu's node as this node's peers file names it."""
    found = peers.peer("yrd-js")
    assert found is not None
    return found
