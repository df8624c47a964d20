"""The log's storage: every complete subtree's hash in ``LogHash``, appended from the event log in
sequence order and never rewritten, and the signed checkpoints in ``LogCheckpoint``.

Leaf i is the change feed's canonical JSON of the event with sequence i + 1. ``catch_up`` extends
the stored tree from the last logged leaf to the last committed event and signs a checkpoint for
the new size; runs serialise on a lock, so two of them never write the same position.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from greencert.certification.lifecycle.log import last_sequence
from greencert.certification.lifecycle.tree_head import event_leaf, feed_events
from greencert.core.merkle import empty_root, leaf_hash, node_hash
from greencert.exchange.models import LogCheckpoint, LogHash, LogSigningKey
from greencert.exchange.tlog import keys, note, proofs
from greencert.exchange.tlog.tiles import WIDTH, Tile

# Events hashed per transaction by ``catch_up``: a long catch-up commits as it goes.
BATCH = 20_000
# The PostgreSQL advisory lock that serialises catch-ups (SQLite's writers serialise at BEGIN).
LOCK_KEY = 0x746C6F67

Node = tuple[int, int, bytes]  # (level, index, hash) of a complete subtree


class LogBusy(RuntimeError):
    """Another writer holds SQLite's write lock; a later catch-up logs the same events."""


class LogCorrupted(RuntimeError):
    """The event log is not what the stored tree was built from (a gap in the sequence)."""


def origin() -> str:
    return str(settings.GREENCERT_LOG_ORIGIN)


def ensure_log_key() -> LogSigningKey:
    """The key that signs checkpoints for this origin, created on first use."""
    key: LogSigningKey = keys.ensure_key(LogSigningKey, origin(), note.verifier_key)
    return key


_private_key = keys.private_key


def verifier_key() -> str:
    return ensure_log_key().verifier_key


def logged_size() -> int:
    top = LogHash.objects.filter(level=0).aggregate(top=Max("index"))["top"]
    return 0 if top is None else top + 1


def stored_hashes(positions: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    wanted = list(positions)
    found: dict[tuple[int, int], bytes] = {}
    # A few hundred positions per query keep the statement small on both engines.
    for at in range(0, len(wanted), 300):
        condition = Q()
        for level, index in wanted[at : at + 300]:
            condition |= Q(level=level, index=index)
        for level, index, value in LogHash.objects.filter(condition).values_list(
            "level", "index", "hash"
        ):
            found[(level, index)] = bytes(value)
    return found


def reader(positions: Iterable[tuple[int, int]]) -> proofs.HashAt:
    """A ``HashAt`` over the stored hashes at ``positions``, read in one go."""
    found = stored_hashes(positions)

    def get(level: int, index: int) -> bytes:
        try:
            return found[(level, index)]
        except KeyError:
            raise LookupError(f"the log holds no hash at level {level}, index {index}") from None

    return get


def stored_root(size: int) -> bytes | None:
    """The root hash of the first ``size`` leaves from the stored tree, or None when the log has
    not reached that size yet."""
    if size == 0:
        return empty_root()
    if logged_size() < size:
        return None
    return proofs.root(reader(proofs.needed(lambda g: proofs.root(g, size))), size)


def _right_edge(size: int) -> list[Node]:
    """The complete subtrees the first ``size`` leaves decompose into, largest first."""
    positions = [
        (level, (size >> level) - 1)
        for level in range(size.bit_length() - 1, -1, -1)
        if size >> level & 1
    ]
    found = stored_hashes(positions)
    missing = [p for p in positions if p not in found]
    if missing:
        raise LogCorrupted(f"the stored log lacks the hashes at {missing}")
    return [(level, index, found[(level, index)]) for level, index in positions]


def _edge_root(edge: list[Node]) -> bytes:
    if not edge:
        return empty_root()
    root = edge[-1][2]
    for _level, _index, value in reversed(edge[:-1]):
        root = node_hash(value, root)
    return root


def _extend(edge: list[Node], size: int, events: Iterable[dict[str, Any]]) -> list[Node]:
    """Append the events' leaves to the tree: returns every newly complete subtree and leaves
    ``edge`` as the new right edge."""
    rows: list[Node] = []
    index = size
    for event in events:
        if event["sequence"] != index + 1:
            raise LogCorrupted(f"event {event['sequence']} where {index + 1} was expected")
        current: Node = (0, index, leaf_hash(event_leaf(event)))
        rows.append(current)
        while edge and edge[-1][0] == current[0]:
            level, _left_index, left = edge.pop()
            current = (level + 1, current[1] >> 1, node_hash(left, current[2]))
            rows.append(current)
        edge.append(current)
        index += 1
    return rows


def _insert(rows: list[Node]) -> None:
    table = connection.ops.quote_name(LogHash._meta.db_table)
    column = connection.ops.quote_name("index")
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} (level, {column}, hash) VALUES (%s, %s, %s)", rows)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def latest_checkpoint() -> LogCheckpoint | None:
    return LogCheckpoint.objects.order_by("-size").first()


def _sign(size: int, root: bytes) -> LogCheckpoint:
    key = ensure_log_key()
    text = note.Checkpoint(key.name, size, root).text()
    signed = note.sign_note(text, key.name, _private_key(key.private_key_pem))
    return LogCheckpoint.objects.create(
        size=size, root_hash=root, note=signed, signed_at=timezone.now()
    )


# How long a catch-up that may give up waits for SQLite's write lock (milliseconds).
SHORT_WAIT_MS = 100


@contextmanager
def _short_wait() -> Iterator[None]:
    """On SQLite, wait only briefly for the write lock and raise ``LogBusy`` instead. Whoever holds
    it is a catch-up that started after the caller's commit (SQLite has one writer at a time), or
    a writer whose own commit asks for another catch-up, so giving up loses nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {SHORT_WAIT_MS}")
    try:
        yield
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        raise LogBusy(str(error)) from error
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")


def catch_up(batch: int = BATCH, *, wait: bool = True) -> int:
    """Log every committed event not logged yet and sign a checkpoint of the new size; returns how
    many events were logged. A checkpoint is signed only over hashes already stored. With
    ``wait=False`` (the worker's catch-up after a commit) a busy SQLite database raises
    ``LogBusy`` at once rather than holding the caller up."""
    if not wait:
        with _short_wait():
            return catch_up(batch)
    appended = 0
    while True:
        with transaction.atomic():
            _lock()
            size = logged_size()
            latest = last_sequence()
            end = min(latest, size + batch)
            edge = _right_edge(size)
            if end > size:
                _insert(_extend(edge, size, feed_events(size + 1, end)))
                appended += end - size
            if end >= latest:
                newest = latest_checkpoint()
                if newest is None or newest.size < end:
                    _sign(end, _edge_root(edge))
                return appended


def tile_hashes(level: int, index: int, width: int) -> bytes:
    """The hashes of tile ``index`` at ``level`` (tree height 8 * level), concatenated."""
    first = index * WIDTH
    rows = (
        LogHash.objects.filter(level=8 * level, index__gte=first, index__lt=first + width)
        .order_by("index")
        .values_list("hash", flat=True)
    )
    data = b"".join(bytes(h) for h in rows)
    if len(data) != 32 * width:
        raise LookupError(f"tile {Tile(level, index, width).path()} is not in the log")
    return data


def entries(first: int, count: int) -> list[bytes]:
    """The leaves ``first`` .. ``first + count - 1`` of the log."""
    return [event_leaf(event) for event in feed_events(first + 1, first + count)]
