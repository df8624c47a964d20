"""Cosignatures in the C2SP tlog-cosignature format (Ed25519, ``cosignature/v1``)."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from greencert.exchange.tlog import note
from greencert.exchange.witness import cosignature

# The example of the specification (tlog-cosignature.md): the checkpoint, its cosigned message
# and a cosignature line by witness.example.com/w1 made at time 1679315147.
SPEC_TEXT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_MESSAGE = (
    "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)
SPEC_LINE = (
    "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX"
    "3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)
TEXT = "127.0.0.1:8002/log\n9\n" + base64.b64encode(bytes(range(32))).decode() + "\n"
NAME = "127.0.0.1:8003/witness"


@pytest.fixture
def witness_key():
    key = Ed25519PrivateKey.generate()
    return key, cosignature.cosigner_vkey(NAME, note.public_bytes(key.public_key()))


def test_the_signed_message_is_the_specifications_example():
    assert cosignature.signed_message(SPEC_TEXT, 1679315147) == SPEC_MESSAGE.encode()


def test_the_specifications_example_line_parses_to_its_timestamp():
    parsed = cosignature.parse_cosignature(SPEC_LINE)
    assert parsed.name == "witness.example.com/w1"
    assert parsed.timestamp == 1679315147
    assert len(parsed.key_id) == 4 and len(parsed.signature) == 64


def test_the_key_id_and_verifier_key_use_the_cosignature_type_byte(witness_key):
    key, vkey = witness_key
    public = note.public_bytes(key.public_key())
    name, kid, encoded = vkey.split("+", 2)
    assert name == NAME
    assert kid == hashlib.sha256(NAME.encode() + b"\n\x04" + public).digest()[:4].hex()
    assert base64.b64decode(encoded) == b"\x04" + public
    # A log's (0x01) verifier key is not a cosigner key.
    with pytest.raises(cosignature.CosignatureError):
        cosignature.parse_cosigner_vkey(note.verifier_key(NAME, public))


def test_a_cosignature_carries_key_id_timestamp_and_signature(witness_key):
    key, vkey = witness_key
    line = cosignature.cosign(TEXT, NAME, key, 1_700_000_000)
    assert line.startswith(f"\u2014 {NAME} ") and line.endswith("\n")
    raw = base64.b64decode(line.rstrip("\n").rpartition(" ")[2])
    assert raw[:4] == bytes.fromhex(vkey.split("+")[1])
    assert struct.unpack(">Q", raw[4:12])[0] == 1_700_000_000
    key.public_key().verify(raw[12:], cosignature.signed_message(TEXT, 1_700_000_000))


def test_a_cosignature_verifies_under_its_key(witness_key):
    key, vkey = witness_key
    line = cosignature.cosign(TEXT, NAME, key, 1_700_000_000)
    assert cosignature.verify_cosignature(TEXT, line, vkey) == 1_700_000_000


def test_a_cosignature_does_not_verify_under_another_key(witness_key):
    key, _vkey = witness_key
    line = cosignature.cosign(TEXT, NAME, key, 1_700_000_000)
    other = Ed25519PrivateKey.generate()
    other_vkey = cosignature.cosigner_vkey(NAME, note.public_bytes(other.public_key()))
    with pytest.raises(cosignature.CosignatureError):
        cosignature.verify_cosignature(TEXT, line, other_vkey)


def test_a_cosignature_does_not_verify_over_an_altered_note(witness_key):
    key, vkey = witness_key
    line = cosignature.cosign(TEXT, NAME, key, 1_700_000_000)
    with pytest.raises(cosignature.CosignatureError, match="does not verify"):
        cosignature.verify_cosignature(TEXT.replace("\n9\n", "\n10\n"), line, vkey)


def test_a_cosignature_with_an_altered_timestamp_does_not_verify(witness_key):
    key, vkey = witness_key
    line = cosignature.cosign(TEXT, NAME, key, 1_700_000_000)
    prefix, _, encoded = line.rstrip("\n").rpartition(" ")
    raw = base64.b64decode(encoded)
    altered = raw[:4] + struct.pack(">Q", 1_700_000_001) + raw[12:]
    forged = f"{prefix} {base64.b64encode(altered).decode()}\n"
    with pytest.raises(cosignature.CosignatureError, match="does not verify"):
        cosignature.verify_cosignature(TEXT, forged, vkey)


def test_a_log_signature_is_not_taken_for_a_cosignature(witness_key):
    key, vkey = witness_key
    signed = note.sign_note(TEXT, NAME, key)
    line = cosignature.signature_lines(signed.partition("\n\n")[2])[0]
    with pytest.raises(cosignature.CosignatureError):
        cosignature.verify_cosignature(TEXT, line, vkey)


def test_a_checkpoint_with_extension_lines_is_cosigned_with_them(witness_key):
    key, vkey = witness_key
    extended = TEXT + "extension line\n"
    line = cosignature.cosign(extended, NAME, key, 5)
    assert cosignature.verify_cosignature(extended, line, vkey) == 5
    with pytest.raises(cosignature.CosignatureError):
        cosignature.verify_cosignature(TEXT, line, vkey)
