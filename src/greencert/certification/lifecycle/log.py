"""Appending to the certificate event log. Only action functions call ``append_event``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from greencert.certification.lifecycle.models import CertificateEvent
from greencert.core.actors import Actor
from greencert.core.projections import project
from greencert.core.sequence import current_value, next_value

if TYPE_CHECKING:
    from greencert.certification.models import Certificate

# The gapless counter (core.sequence) that numbers the log.
EVENT_SEQUENCE = "certificate_event"


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
    if not connection.in_atomic_block:
        raise RuntimeError("append_event must be called inside the action's transaction")
    # The clock is read once the counter row is locked: the lock is held until commit, so
    # recording times follow the sequence and never go backwards along it.
    sequence = next_value(EVENT_SEQUENCE)
    now = timezone.now()
    event = CertificateEvent.objects.create(
        sequence=sequence,
        certificate=certificate,
        event_type=event_type,
        status_before=status_before,
        status_after=status_after,
        reason_code=reason_code,
        actor=actor.user,
        actor_label=actor.label,
        payload=payload or {},
        effective_at=effective_at or now,
        recorded_at=now,
    )
    project(event)
    return event


def last_sequence() -> int:
    """The sequence number of the newest event on the log (0 when it is empty)."""
    return current_value(EVENT_SEQUENCE)
