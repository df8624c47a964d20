"""Read models kept in step with the event log inside the appending transaction.

A projection (the search index, aggregate counters) registers a function at start-up; every
``append_event`` calls each one with the new event before the transaction commits, so a read
model can never show a change the log does not hold, nor miss one the log does. Unlike Django
signals, this runs for every append because ``append_event`` is the only way onto the log; bulk
loaders that write the log directly (the seed) rebuild their projections themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from greencert.core.models import CertificateEvent

Projection = Callable[["CertificateEvent"], None]
Rebuild = Callable[[], int]

_projections: dict[str, Projection] = {}
_rebuilds: dict[str, Rebuild] = {}


def register_projection(name: str, projection: Projection, rebuild: Rebuild | None = None) -> None:
    """Register (or replace, for reloads) the projection called ``name``; ``rebuild`` recomputes
    the whole read model from the tables in one go (for bulk loaders) and returns its row count."""
    _projections[name] = projection
    if rebuild is not None:
        _rebuilds[name] = rebuild


def rebuild_projections(progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Rebuild every read model that registered a rebuild, inside the caller's transaction."""
    rows = {}
    for name, rebuild in list(_rebuilds.items()):
        if progress:
            progress(f"rebuild {name}")
        rows[name] = rebuild()
    return rows


def project(event: CertificateEvent) -> None:
    for projection in list(_projections.values()):
        projection(event)
