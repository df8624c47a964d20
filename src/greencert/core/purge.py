"""The one way to empty append-only tables on SQLite: a flag only the test harness's flush sets.

SQLite triggers call ``greencert_purge_allowed()``, registered on every connection Django opens.
It answers 0 unless code runs inside ``allow_purge()``; any other client (the sqlite3 shell,
another program) lacks the function, so its DELETE fails too. PostgreSQL needs none of this:
row triggers refuse DELETE, and only TRUNCATE (a privileged maintenance statement) empties it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_state = threading.local()


def purge_allowed() -> int:
    return 1 if getattr(_state, "allowed", False) else 0


@contextmanager
def allow_purge() -> Iterator[None]:
    _state.allowed = True
    try:
        yield
    finally:
        _state.allowed = False


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("greencert_purge_allowed", 0, purge_allowed)
