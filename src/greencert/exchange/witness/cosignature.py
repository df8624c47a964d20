"""Witness cosignatures (C2SP tlog-cosignature, the Ed25519 ``cosignature/v1`` type).

A cosignature is one more signature line on a checkpoint note: ``— <cosigner name>
base64(key id ‖ timestamp ‖ signature)``. The key id is the first four bytes of SHA-256(name ‖
"\\n" ‖ 0x04 ‖ public key); the timestamp is a big-endian u64 of POSIX seconds; the Ed25519
signature covers ``cosignature/v1\\n``, ``time <timestamp>\\n`` and the checkpoint's text (its
lines up to the blank line, extension lines included). A cosigner's verifier key is written
``<name>+<key id, 8 hex digits>+<base64(0x04 ‖ public key)>``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from greencert.exchange.tlog.note import SIGNATURE_PREFIX, public_bytes

COSIGNATURE_V1 = 0x04
HEADER = "cosignature/v1\n"
MAX_TIMESTAMP = 2**63 - 1


class CosignatureError(ValueError):
    """A cosignature or cosigner key that is malformed or does not verify."""


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([COSIGNATURE_V1]) + public_key).digest()[:4]


def _valid_name(name: str) -> bool:
    return bool(name) and not any(c.isspace() or c == "+" for c in name)


def cosigner_vkey(name: str, public_key: bytes) -> str:
    if not _valid_name(name):
        raise CosignatureError(f"cosigner name {name!r} is empty or holds a space or a plus sign")
    encoded = base64.b64encode(bytes([COSIGNATURE_V1]) + public_key).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


@dataclass(frozen=True)
class Cosigner:
    name: str
    key_id: bytes
    public_key: Ed25519PublicKey


def parse_cosigner_vkey(vkey: str) -> Cosigner:
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3 or not _valid_name(parts[0]) or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise CosignatureError(f"cosigner key {vkey!r} is not name+keyid+base64key")
    name, hex_id, encoded = parts
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError as error:
        raise CosignatureError(f"cosigner key {vkey!r}: the key is not base64") from error
    if len(raw) != 33 or raw[0] != COSIGNATURE_V1:
        raise CosignatureError(f"cosigner key {vkey!r} is not an Ed25519 cosignature/v1 key")
    if key_id(name, raw[1:]).hex() != hex_id:
        raise CosignatureError(f"cosigner key {vkey!r}: the key id does not match name and key")
    return Cosigner(name, bytes.fromhex(hex_id), Ed25519PublicKey.from_public_bytes(raw[1:]))


def signed_message(checkpoint_text: str, timestamp: int) -> bytes:
    """What a ``cosignature/v1`` signature covers."""
    if not checkpoint_text.endswith("\n") or "\n\n" in checkpoint_text:
        raise CosignatureError(
            "a checkpoint's text is its lines up to, not including, the blank line"
        )
    return f"{HEADER}time {timestamp}\n{checkpoint_text}".encode()


def cosign(checkpoint_text: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> str:
    """The cosignature line (ending in a newline) of ``name``'s key over the checkpoint."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CosignatureError(f"timestamp {timestamp} is outside 0 .. 2^63 - 1")
    signature = private_key.sign(signed_message(checkpoint_text, timestamp))
    kid = key_id(name, public_bytes(private_key.public_key()))
    payload = kid + struct.pack(">Q", timestamp) + signature
    return f"{SIGNATURE_PREFIX}{name} {base64.b64encode(payload).decode()}\n"


def signature_lines(text: str) -> list[str]:
    """The signature lines in ``text`` (each with its newline); other lines are left out."""
    return [f"{line}\n" for line in text.split("\n") if line.startswith(SIGNATURE_PREFIX)]


@dataclass(frozen=True)
class ParsedCosignature:
    name: str
    key_id: bytes
    timestamp: int
    signature: bytes


def parse_cosignature(line: str) -> ParsedCosignature:
    """The parts of a ``cosignature/v1`` line, unverified."""
    line = line.rstrip("\n")
    if not line.startswith(SIGNATURE_PREFIX):
        raise CosignatureError(f"{line!r} is not a signature line")
    name, _, encoded = line[len(SIGNATURE_PREFIX) :].rpartition(" ")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError as error:
        raise CosignatureError(f"the signature of {name!r} is not base64") from error
    if len(raw) != 4 + 8 + 64:
        raise CosignatureError(f"the cosignature of {name!r} is {len(raw)} bytes, not 76")
    (timestamp,) = struct.unpack(">Q", raw[4:12])
    if timestamp > MAX_TIMESTAMP:
        raise CosignatureError(f"the cosignature's timestamp {timestamp} exceeds 2^63 - 1")
    return ParsedCosignature(name, raw[:4], int(timestamp), raw[12:])


def verify_cosignature(checkpoint_text: str, line: str, cosigner: Cosigner | str) -> int:
    """The timestamp of ``line``, a cosignature by ``cosigner`` (a key or its verifier key
    text) over the checkpoint whose text is ``checkpoint_text``; raises ``CosignatureError``
    when the line is not one or does not verify."""
    if isinstance(cosigner, str):
        cosigner = parse_cosigner_vkey(cosigner)
    parsed = parse_cosignature(line)
    if parsed.name != cosigner.name or parsed.key_id != cosigner.key_id:
        raise CosignatureError(f"the line is signed by {parsed.name!r}, not by {cosigner.name!r}")
    try:
        cosigner.public_key.verify(
            parsed.signature, signed_message(checkpoint_text, parsed.timestamp)
        )
    except InvalidSignature:
        raise CosignatureError(f"the cosignature by {parsed.name!r} does not verify") from None
    return parsed.timestamp
