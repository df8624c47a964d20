"""Appending to the certificate event log. Only action functions call ``append_event``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from greencert.certification.lifecycle.models import CertificateEvent
from greencert.core.actors import Actor
from greencert.core.bulk import insert_new
from greencert.core.projections import project, project_all
from greencert.core.sequence import current_value, next_value

if TYPE_CHECKING:
    from greencert.certification.models import Certificate

# The gapless counter (core.sequence) that numbers the log.
EVENT_SEQUENCE = "certificate_event"


@dataclass(slots=True)
class NewEvent:
    """One event to append: what ``append_event`` takes besides the actor."""

    certificate: Certificate
    event_type: str
    status_before: str
    status_after: str
    reason_code: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    effective_at: dt.datetime | None = None


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("append_event must be called inside the action's transaction")


def _event(new: NewEvent, actor: Actor, sequence: int, now: dt.datetime) -> CertificateEvent:
    return CertificateEvent(
        sequence=sequence,
        certificate=new.certificate,
        event_type=new.event_type,
        status_before=new.status_before,
        status_after=new.status_after,
        reason_code=new.reason_code,
        actor=actor.user,
        actor_label=actor.label,
        payload=new.payload,
        effective_at=new.effective_at or now,
        recorded_at=now,
    )


def append_event(
    *,
    certificate: Certificate,
    event_type: str,
    actor: Actor,
    status_before: str,
    status_after: str,
    reason_code: str = "",
    payload: dict[str, Any] | None = None,
    effective_at: dt.datetime | None = None,
) -> CertificateEvent:
    """Append one event with the next gapless sequence number. Must run inside the action's transaction."""
    _require_transaction()
    new = NewEvent(
        certificate,
        event_type,
        status_before,
        status_after,
        reason_code,
        payload or {},
        effective_at,
    )
    # The clock is read once the counter row is locked: the lock is held until commit, so
    # recording times follow the sequence and never go backwards along it.
    sequence = next_value(EVENT_SEQUENCE)
    event = _event(new, actor, sequence, timezone.now())
    event.save(force_insert=True)
    project(event)
    return event


def reserve_sequences(count: int) -> int:
    """Take the next ``count`` sequence numbers for ``append_events``; returns the first. The
    counter row stays locked until the transaction ends, so no other event comes between."""
    _require_transaction()
    return next_value(EVENT_SEQUENCE, count) - count + 1


def append_events(
    actor: Actor, new: list[NewEvent], *, first_sequence: int | None = None
) -> list[CertificateEvent]:
    """Append several events by one actor with consecutive sequence numbers, in this order, in one
    insert, and bring the read models up to date with all of them (``project_all``).

    ``first_sequence``: numbers taken beforehand with ``reserve_sequences(len(new))``, by an
    action that writes them into its rows before the events exist."""
    _require_transaction()
    if not new:
        return []
    first = reserve_sequences(len(new)) if first_sequence is None else first_sequence
    # As in append_event, the clock is read once the counter row is locked.
    now = timezone.now()
    events = [_event(n, actor, first + i, now) for i, n in enumerate(new)]
    insert_new(events)
    project_all(events)
    return events


def last_sequence() -> int:
    """The sequence number of the newest event on the log (0 when it is empty)."""
    return current_value(EVENT_SEQUENCE)
