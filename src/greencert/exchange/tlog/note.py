"""Signed notes (C2SP signed-note) with Ed25519 signatures, and checkpoints (C2SP tlog-checkpoint).

A note is text ending in a newline, a blank line, then signature lines ``— <name> <base64(key id ‖
signature)>``. An Ed25519 key's id is the first four bytes of SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public
key); its verifier key is written ``<name>+<key id, 8 hex digits>+<base64(0x01 ‖ public key)>``.
A checkpoint's text is the origin, the tree size in decimal and the base64 root hash, one a line.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
SIGNATURE_PREFIX = "\u2014 "


class NoteError(ValueError):
    """A note, checkpoint or verifier key that is malformed or does not verify."""


def _valid_name(name: str) -> bool:
    return bool(name) and not any(c.isspace() or c == "+" for c in name)


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, public_key: bytes, key_type: int = ED25519) -> bytes:
    """The id of a key of ``key_type`` (0x01 Ed25519 notes; C2SP tlog-cosignature uses 0x04)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([key_type]) + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes, key_type: int = ED25519) -> str:
    if not _valid_name(name):
        raise NoteError(f"key name {name!r} is empty or holds a space or a plus sign")
    encoded = base64.b64encode(bytes([key_type]) + public_key).decode()
    return f"{name}+{key_id(name, public_key, key_type).hex()}+{encoded}"


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    public_key: Ed25519PublicKey

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            self.public_key.verify(signature, text)
        except InvalidSignature:
            return False
        return True


def parse_verifier_key(vkey: str, key_type: int = ED25519) -> Verifier:
    """The key ``name+keyid+base64key`` names, which must be an Ed25519 key of ``key_type``."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3 or not _valid_name(parts[0]) or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise NoteError(f"verifier key {vkey!r} is not name+keyid+base64key")
    name, hex_id, encoded = parts
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError as error:
        raise NoteError(f"verifier key {vkey!r}: the key is not base64") from error
    if len(raw) != 33 or raw[0] != key_type:
        raise NoteError(f"verifier key {vkey!r} is not an Ed25519 key of type 0x{key_type:02x}")
    if key_id(name, raw[1:], key_type).hex() != hex_id:
        raise NoteError(f"verifier key {vkey!r}: the key id does not match the name and key")
    return Verifier(name, bytes.fromhex(hex_id), Ed25519PublicKey.from_public_bytes(raw[1:]))


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    if not text.endswith("\n"):
        raise NoteError("a note's text must end in a newline")
    signature = private_key.sign(text.encode())
    kid = key_id(name, public_bytes(private_key.public_key()))
    return f"{text}\n{SIGNATURE_PREFIX}{name} {base64.b64encode(kid + signature).decode()}\n"


def open_note(note: str, verifier: Verifier) -> str:
    """The text of ``note`` once a signature by ``verifier`` checks; signatures by other keys are
    ignored, as the spec asks."""
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("the note holds a control character")
    text, sep, signatures = note.rpartition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise NoteError("the note has no blank line before its signatures")
    text += "\n"
    found = False
    for line in signatures[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError(f"signature line {line!r} does not start with an em dash and a space")
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].rpartition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError as error:
            raise NoteError(f"signature line {line!r}: the signature is not base64") from error
        if name != verifier.name or raw[:4] != verifier.key_id:
            continue
        found = True
        if not verifier.verify(text.encode(), raw[4:]):
            raise NoteError(f"the signature by {name} does not verify")
    if not found:
        raise NoteError(f"the note carries no signature by {verifier.name}")
    return text


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("a checkpoint has an origin, a size and a root hash, each on a line")
    origin, size, root = lines[0], lines[1], lines[2]
    if not origin:
        raise NoteError("the checkpoint's origin line is empty")
    if not re.fullmatch(r"0|[1-9]\d*", size):
        raise NoteError(f"the checkpoint's tree size {size!r} is not a decimal number")
    try:
        root_hash = base64.b64decode(root, validate=True)
    except ValueError as error:
        raise NoteError(f"the checkpoint's root hash {root!r} is not base64") from error
    if len(root_hash) != 32:
        raise NoteError(f"the checkpoint's root hash is {len(root_hash)} bytes, not 32")
    return Checkpoint(origin, int(size), root_hash, tuple(lines[3:-1]))


def open_checkpoint(note: str, verifier: Verifier) -> Checkpoint:
    checkpoint = parse_checkpoint(open_note(note, verifier))
    if checkpoint.origin != verifier.name:
        raise NoteError(
            f"the checkpoint's origin {checkpoint.origin!r} is not the key's name {verifier.name!r}"
        )
    return checkpoint
