"""Regulators' orders (责令) as certification sees them, answered from above.

A body carries out a regulator's order through its own suspension, revocation or note of
rectification, which cites the order. Orders live in ``supervision``, a layer above
``certification``; it registers its answers here at start-up (``SupervisionConfig.ready``), so
the certificate actions check and close the order they cite without importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OrderHooks:
    # (actor, certificate, reference, event_type) -> the order's number. Raises a
    # UserFacingError unless the order is open (or overdue), addressed to this certificate, and
    # carried out by an event of this type.
    check: Callable[[Any, Any, str, str], str]
    # (number, certificate, sequence) -> None: the order is carried out by the event with this
    # sequence; raises TransitionRefused if it was carried out or withdrawn meanwhile.
    carried_out: Callable[[str, Any, int], None]
    # (certificate, event_type) -> the pending orders an event of this type would carry out, as
    # (number, label) pairs, for the office forms to offer.
    open_for: Callable[[Any, str], list[tuple[str, str]]]


_registered: list[OrderHooks] = []


def register_order_hooks(hooks: OrderHooks) -> None:
    _registered[:] = [hooks]


def _current() -> OrderHooks:
    if not _registered:
        raise RuntimeError("no order hooks registered: is greencert.supervision installed?")
    return _registered[0]


def check_order(actor: Any, certificate: Any, reference: str, event_type: str) -> str:
    return _current().check(actor, certificate, reference, event_type)


def order_carried_out(number: str, certificate: Any, sequence: int) -> None:
    _current().carried_out(number, certificate, sequence)


def open_orders(certificate: Any, event_type: str) -> list[tuple[str, str]]:
    return _current().open_for(certificate, event_type) if _registered else []
