"""Tile coordinates and paths of C2SP tlog-tiles (https://c2sp.org/tlog-tiles).

A tile at level L holds up to 256 consecutive Merkle tree hashes of subtrees of 256**L leaves, i.e.
hashes at tree height 8 * L; its index N is written in three-digit groups, every group but the last
prefixed ``x`` (1234067 → ``x001/x234/067``); a partial tile of width W < 256 ends in ``.p/W``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEIGHT = 8
WIDTH = 1 << HEIGHT  # hashes or entries in a full tile
HASH_SIZE = 32


@dataclass(frozen=True)
class Tile:
    """Tile ``index`` at ``level`` (``None`` for an entry bundle) with ``width`` hashes."""

    level: int | None
    index: int
    width: int = WIDTH

    @property
    def full(self) -> bool:
        return self.width == WIDTH

    def path(self) -> str:
        head = "tile/entries" if self.level is None else f"tile/{self.level}"
        suffix = "" if self.full else f".p/{self.width}"
        return f"{head}/{encode_index(self.index)}{suffix}"


def encode_index(index: int) -> str:
    if index < 0:
        raise ValueError(f"tile index {index} is negative")
    groups = []
    while True:
        groups.append(f"{index % 1000:03d}")
        index //= 1000
        if index == 0:
            break
    groups.reverse()
    return "/".join([f"x{g}" for g in groups[:-1]] + [groups[-1]])


_INDEX = re.compile(r"^(?:x\d{3}/)*\d{3}$")


def parse_index(text: str) -> int:
    """The tile index a path's ``<N>`` part names; refuses forms the spec does not write (no
    leading all-zero ``x000`` group, exactly three digits per group)."""
    if not _INDEX.match(text):
        raise ValueError(f"tile index {text!r} is not in x-prefixed groups of three digits")
    groups = text.split("/")
    if len(groups) > 1 and groups[0] == "x000":
        raise ValueError(f"tile index {text!r} has a leading zero group")
    return int("".join(g.removeprefix("x") for g in groups))


def parse_width(text: str | None) -> int:
    if text is None:
        return WIDTH
    if not re.fullmatch(r"[1-9]\d{0,2}", text) or int(text) >= WIDTH:
        raise ValueError(f"partial tile width {text!r} is not a number from 1 to 255")
    return int(text)


def tiles_for_size(size: int) -> list[Tile]:
    """Every hash tile a tree of ``size`` leaves has: full ones, then the partial one of each level
    (width ``floor(size / 256**L) mod 256``, none when that is 0)."""
    tiles: list[Tile] = []
    level = 0
    while True:
        count = size >> (HEIGHT * level)  # hashes at this level
        if count == 0:
            break
        tiles.extend(Tile(level, n) for n in range(count // WIDTH))
        if count % WIDTH:
            tiles.append(Tile(level, count // WIDTH, count % WIDTH))
        if count < WIDTH:
            break
        level += 1
    return tiles


def entry_bundles_for_size(size: int) -> list[Tile]:
    bundles = [Tile(None, n) for n in range(size // WIDTH)]
    if size % WIDTH:
        bundles.append(Tile(None, size // WIDTH, size % WIDTH))
    return bundles


def encode_bundle(entries: list[bytes]) -> bytes:
    """An entry bundle: each entry as a big-endian uint16 length followed by its bytes."""
    out = bytearray()
    for entry in entries:
        if len(entry) > 0xFFFF:
            raise ValueError(f"an entry of {len(entry)} bytes does not fit a uint16 length")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_bundle(data: bytes) -> list[bytes]:
    entries = []
    at = 0
    while at < len(data):
        if at + 2 > len(data):
            raise ValueError(f"entry bundle ends inside a length prefix at byte {at}")
        length = int.from_bytes(data[at : at + 2], "big")
        if at + 2 + length > len(data):
            raise ValueError(f"entry bundle ends inside an entry at byte {at}")
        entries.append(data[at + 2 : at + 2 + length])
        at += 2 + length
    return entries


def split_hashes(data: bytes) -> list[bytes]:
    if len(data) % HASH_SIZE:
        raise ValueError(f"a hash tile of {len(data)} bytes is not a whole number of hashes")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]
