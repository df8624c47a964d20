"""The certificate lifecycle (证书生命周期): statuses, reason codes, event types and the transition
table (``data/statuses.yaml``, ``data/reasons.yaml``), the event log and the one history API.

Code outside this package names a status as ``Status.VALID`` and an event as
``EventType.SUSPENDED``, never by its literal code.
"""

from greencert.certification.lifecycle.codes import (
    FINAL,
    IN_FORCE,
    STATUS_CODES,
    STATUS_PATTERN,
    EventType,
    Label,
    Status,
    Transition,
    current_reasons,
    event_label,
    events_allowed_from,
    office_actions,
    reason_label,
    reasons,
    retired_reasons,
    status_choices,
    status_label,
    statuses,
    transitions,
)

__all__ = [
    "FINAL",
    "IN_FORCE",
    "STATUS_CODES",
    "STATUS_PATTERN",
    "EventType",
    "Label",
    "Status",
    "Transition",
    "current_reasons",
    "event_label",
    "events_allowed_from",
    "office_actions",
    "reason_label",
    "reasons",
    "retired_reasons",
    "status_choices",
    "status_label",
    "statuses",
    "transitions",
]
