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

_projections: dict[str, Projection] = {}


def register_projection(name: str, projection: Projection) -> None:
    """Register (or replace, for reloads) the projection called ``name``."""
    _projections[name] = projection


def project(event: CertificateEvent) -> None:
    for projection in list(_projections.values()):
        projection(event)
