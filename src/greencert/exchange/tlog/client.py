"""Reading another node's transparency log over HTTP, as ``greencert log audit`` and replication
both do: fetch paths under the log's URL, open its signed checkpoint under a pinned key, and read
its entry bundles (full or, at the log's right edge, partial) in order with their sequence checked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import requests

from greencert.exchange.tlog import note
from greencert.exchange.tlog.tiles import WIDTH, Tile, decode_bundle

# A path under the log's URL (``checkpoint``, ``tile/entries/000``) → the bytes served there.
Fetch = Callable[[str], bytes]

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0


class FetchFailed(RuntimeError):
    """A tile, bundle or checkpoint could not be fetched from the node."""


class EntryRefused(ValueError):
    """An entry bundle or entry that is not what the log's checkpoint promises."""


# An absolute URL → the bytes served there (raises ``FetchFailed``).
Get = Callable[[str], bytes]


def http_getter(timeout: float = READ_TIMEOUT) -> Get:
    """GET over HTTP(S) with short timeouts, one connection pool per getter; any answer but 200
    is a failure naming the URL and what came back."""
    session = requests.Session()

    def get(url: str) -> bytes:
        try:
            response = session.get(url, timeout=(CONNECT_TIMEOUT, timeout))
        except requests.RequestException as error:
            raise FetchFailed(f"{url}: {error}") from error
        if response.status_code != 200:
            raise FetchFailed(f"{url}: HTTP {response.status_code}")
        return response.content

    return get


def fetcher(base_url: str, get: Get) -> Fetch:
    """Fetch paths under ``base_url`` (the log's URL, e.g. ``http://host/log``) with ``get``."""
    base = base_url.rstrip("/")
    return lambda path: get(f"{base}/{path}")


def http_fetcher(base_url: str, timeout: float = READ_TIMEOUT) -> Fetch:
    return fetcher(base_url, http_getter(timeout))


def fetch_checkpoint(fetch: Fetch, verifier: note.Verifier) -> tuple[str, note.Checkpoint]:
    """The log's current signed checkpoint, as served and as opened under ``verifier``; raises
    ``FetchFailed`` or ``note.NoteError``."""
    try:
        text = fetch("checkpoint").decode()
    except UnicodeDecodeError as error:
        raise note.NoteError("the checkpoint is not UTF-8 text") from error
    return text, note.open_checkpoint(text, verifier)


def bundles_between(start: int, end: int) -> list[Tile]:
    """The entry bundles holding leaves ``start``..``end - 1`` of a tree of ``end`` leaves: full
    bundles, and the partial one of the tree's right edge."""
    if start >= end:
        return []
    last = (end - 1) // WIDTH
    return [
        Tile(None, n, WIDTH if (n + 1) * WIDTH <= end else end - n * WIDTH)
        for n in range(start // WIDTH, last + 1)
    ]


def entry_sequence(entry: bytes) -> object:
    """The ``sequence`` an entry states (leaf i must state i + 1), or None if it states none."""
    try:
        parsed = json.loads(entry)
    except ValueError:
        return None
    return parsed.get("sequence") if isinstance(parsed, dict) else None


def fetch_entries(fetch: Fetch, start: int, end: int) -> Iterator[tuple[int, bytes]]:
    """Leaves ``start``..``end - 1`` of the log as (index, entry bytes), in order, read from its
    entry bundles; a bundle that cannot be fetched or read, holds the wrong number of entries, or
    an entry whose sequence is not its index + 1, stops the reading (``FetchFailed``,
    ``EntryRefused``)."""
    for bundle in bundles_between(start, end):
        path = bundle.path()
        try:
            entries = decode_bundle(fetch(path))
        except ValueError as error:
            raise EntryRefused(f"{path}: {error}") from error
        if len(entries) != bundle.width:
            raise EntryRefused(f"{path}: {len(entries)} entries where {bundle.width} belong")
        first = bundle.index * WIDTH
        for offset in range(max(start - first, 0), bundle.width):
            index = first + offset
            entry = entries[offset]
            sequence = entry_sequence(entry)
            if sequence != index + 1:
                raise EntryRefused(
                    f"{path}: entry {index} has sequence {sequence!r} where {index + 1} belongs"
                )
            yield index, entry
