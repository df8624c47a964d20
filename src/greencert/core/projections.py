"""Read models kept in step with an append-only log inside the appending transaction.

A projection (the search index, aggregate counters, credit records) registers two functions at
start-up: one the appender calls with each new entry before the transaction commits, so a read
model can never show a change the log does not hold, nor miss one the log does; and one that
rebuilds the whole read model from the tables, for bulk loaders and ``rebuild_read_models``.
Unlike Django signals, this runs for every append because the appender is the only way onto the
log. Registering without a rebuild is refused, so every read model can be recomputed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Projection = Callable[[Any], None]
ProjectionOfMany = Callable[[list[Any]], None]
Rebuild = Callable[[], int]


@dataclass(frozen=True)
class Registered:
    project: Projection
    rebuild: Rebuild
    project_many: ProjectionOfMany | None = None


_registry: dict[str, Registered] = {}


def register_projection(
    name: str,
    projection: Projection,
    rebuild: Rebuild,
    *,
    project_many: ProjectionOfMany | None = None,
) -> None:
    """Register (or replace, for reloads) the projection called ``name``; ``rebuild`` recomputes
    the whole read model from the tables in one go and returns its row count.

    ``project_many``, where given, takes the entries one appender call made together (a batch
    of issues) and must leave the read model exactly as ``projection`` called on each in turn
    would; without it, ``project_all`` calls ``projection`` once per entry."""
    if not callable(rebuild):
        raise TypeError(f"projection {name} must register a rebuild function")
    _registry[name] = Registered(projection, rebuild, project_many)


def unregister_projection(name: str) -> None:
    _registry.pop(name, None)


def registered() -> list[str]:
    return list(_registry)


def rebuild_projections(
    progress: Callable[[str], None] | None = None, only: list[str] | None = None
) -> dict[str, int]:
    """Rebuild every read model (or those named in ``only``), inside the caller's transaction."""
    rows = {}
    for name, entry in list(_registry.items()):
        if only is not None and name not in only:
            continue
        if progress:
            progress(f"rebuild {name}")
        rows[name] = entry.rebuild()
    return rows


def project(entry: Any) -> None:
    for registered_projection in list(_registry.values()):
        registered_projection.project(entry)


def project_all(entries: list[Any]) -> None:
    """Bring every read model up to date with ``entries``, appended together in this order."""
    if not entries:
        return
    for registered_projection in list(_registry.values()):
        if registered_projection.project_many is not None:
            registered_projection.project_many(entries)
        else:
            for entry in entries:
                registered_projection.project(entry)
