"""The bitstring of a W3C Bitstring Status List: bit 0 is the left-most bit of the first byte;
the bytes are gzip-compressed and multibase base64url-encoded (prefix ``u``, no padding)."""

from __future__ import annotations

import base64
import gzip

LIST_SIZE = 131_072  # 16 KB: the Recommendation's minimum, for herd privacy


def encode_bits(set_bits: list[int], size: int = LIST_SIZE) -> str:
    raw = bytearray(size // 8)
    for bit in set_bits:
        raw[bit // 8] |= 0x80 >> (bit % 8)
    compressed = gzip.compress(bytes(raw), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_bits(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix 'u')")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit_is_set(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))
