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
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from greencert.exchange.tlog import note
from greencert.exchange.tlog.note import SIGNATURE_PREFIX, public_bytes

COSIGNATURE_V1 = 0x04
HEADER = "cosignature/v1\n"
MAX_TIMESTAMP = 2**63 - 1


class CosignatureError(ValueError):
    """A cosignature or cosigner key that is malformed or does not verify."""


def key_id(name: str, public_key: bytes) -> bytes:
    return note.key_id(name, public_key, COSIGNATURE_V1)


def cosigner_vkey(name: str, public_key: bytes) -> str:
    try:
        return note.verifier_key(name, public_key, COSIGNATURE_V1)
    except note.NoteError as error:
        raise CosignatureError(str(error)) from error


# A cosigner's key: its name, key id and public key, as a note verifier holds them.
Cosigner = note.Verifier


def parse_cosigner_vkey(vkey: str) -> Cosigner:
    try:
        return note.parse_verifier_key(vkey, COSIGNATURE_V1)
    except note.NoteError as error:
        raise CosignatureError(f"cosigner key: {error}") from error


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
