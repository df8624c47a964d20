"""Who cosigned a checkpoint: the signature lines of a checkpoint note other than the log's own.

A line counts as a verified cosignature only when its key is a peer's pinned ``witness_vkey``
(``exchange.peers``) and the C2SP tlog-cosignature signature verifies (``exchange.witness``); a
line from a key no peer pins is reported as present and not checked (``verified=None``).
Everything that shows cosigners (the credential and receipt checks, the verify page) asks here.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from greencert.exchange import peers
from greencert.exchange.tlog.note import SIGNATURE_PREFIX
from greencert.exchange.witness import cosignature


@dataclass(frozen=True)
class Cosigner:
    name: str  # the key name on the signature line
    key_id: str  # 8 hex digits
    peer: peers.Peer | None  # the peer whose pinned witness key has this name and id
    verified: bool | None  # None: present, not checked

    @classmethod
    def of_peer(cls, peer: peers.Peer) -> Cosigner:
        """The verified cosigner a peer's pinned witness key names."""
        name, key_id, _key = peer.witness_vkey.split("+", 2)
        return cls(name, key_id, peer, True)

    def describe(self, language: str = "zh-hans") -> str:
        who = self.peer.name(language) if self.peer else self.name
        if self.verified:
            state = "联署有效" if not language.startswith("en") else "cosignature verified"
        elif self.verified is False:
            state = "联署无效" if not language.startswith("en") else "cosignature does not verify"
        elif self.peer is None:
            state = (
                "非已登记节点的见证密钥，未核验"
                if not language.startswith("en")
                else "not a listed node's witness key, not checked"
            )
        else:
            state = (
                "联署存在，尚未核验"
                if not language.startswith("en")
                else "cosignature present, not checked"
            )
        return f"{who} ({state})" if language.startswith("en") else f"{who}（{state}）"


def _witness(name: str, key_id: str) -> peers.Peer | None:
    for peer in peers.peers():
        parts = peer.witness_vkey.split("+", 2)
        if len(parts) == 3 and parts[0] == name and parts[1] == key_id:
            return peer
    return None


def cosigners(note_text: str) -> list[Cosigner]:
    """The cosignature lines of a signed checkpoint note: every signature whose key name is not
    the checkpoint's origin, with the peer it claims to come from."""
    origin = note_text.split("\n", 1)[0]
    body, sep, block = note_text.partition("\n\n")
    if not sep:
        return []
    checkpoint_text = body + "\n"
    found = []
    for line in block.splitlines():
        if not line.startswith(SIGNATURE_PREFIX):
            continue
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].rpartition(" ")
        if not name or name == origin:
            continue
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError:
            continue
        key_id = raw[:4].hex()
        peer = _witness(name, key_id)
        verified: bool | None = None
        if peer is not None:
            try:
                cosignature.verify_cosignature(checkpoint_text, line, peer.witness_vkey)
                verified = True
            except cosignature.CosignatureError:
                verified = False
        found.append(Cosigner(name, key_id, peer, verified))
    return found
