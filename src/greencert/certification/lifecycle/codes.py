"""Statuses, reason codes, event types and the transition table, read once from ``data/*.yaml``.

The Python names below (``Status``, ``EventType``) are how code refers to a status or an event;
what each means — labels, which status an event starts from and leads to, which reasons it takes —
is data. ``transitions()`` refuses to load when the two disagree, so a data file naming an event
no action writes, or an action writing an event the data does not describe, fails at start-up.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class Status(enum.StrEnum):
    """证书状态: the national status codes (domain.md §5)."""

    VALID = "01"
    SUSPENDED = "02"
    REVOKED = "03"
    CANCELLED = "04"
    EXPIRED = "05"


# A status code as a query parameter must be one of these (for OpenAPI and form validation).
STATUS_PATTERN = "^(" + "|".join(Status) + ")$"
STATUS_CODES = " · ".join(f"{s.value} {s.name.lower()}" for s in Status)

# Statuses in which a certificate still stands (may be used, or may be restored to use).
IN_FORCE = (Status.VALID, Status.SUSPENDED)
FINAL = (Status.REVOKED, Status.CANCELLED, Status.EXPIRED)


class EventType(enum.StrEnum):
    """证书事件类型: every kind of event an action appends to the log."""

    ISSUED = "issued"
    CHANGED = "changed"
    SURVEILLANCE_PASSED = "surveillance_passed"
    SUSPENDED = "suspended"
    RESTORED = "restored"
    REVOKED = "revoked"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    RENEWED = "renewed"
    ADOPTED = "adopted"
    RECOGNISED = "recognised"
    RECOGNITION_ENDED = "recognition_ended"
    FLAGGED = "flagged"
    UNFLAGGED = "unflagged"
    UPSTREAM_LINKED = "upstream_linked"
    UPSTREAM_UNLINKED = "upstream_unlinked"
    ORDERED = "ordered"
    ORDER_WITHDRAWN = "order_withdrawn"
    ORDER_OVERDUE = "order_overdue"
    RECTIFIED = "rectified"
    ACTION_DUE = "action_due"
    DUE_ACTION_OVERDUE = "due_action_overdue"


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language.startswith("en") else self.zh


@dataclass(frozen=True)
class Transition:
    event_type: str
    from_statuses: tuple[str, ...]
    to_status: str | None  # None: the event leaves the status as it is
    reason_group: str
    label: Label
    office_action: str  # the slug of the office form that performs it, "" if none

    def target(self, current: str) -> str:
        return self.to_status or current

    def allowed_from(self, status: str) -> bool:
        return status in self.from_statuses


def _read(name: str) -> dict:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


@cache
def statuses() -> dict[str, Label]:
    data = _read("statuses.yaml")["statuses"]
    if set(data) != {s.value for s in Status}:
        raise ValueError(
            f"statuses.yaml: statuses {sorted(data)} differ from the national codes "
            f"{sorted(s.value for s in Status)}"
        )
    return {code: Label(**label) for code, label in data.items()}


@cache
def transitions() -> dict[str, Transition]:
    data = _read("statuses.yaml")["transitions"]
    known = set(statuses())
    groups = set(reasons())
    written = {e.value for e in EventType}
    if set(data) != written:
        raise ValueError(
            "statuses.yaml: transitions describe "
            f"{sorted(set(data) - written)} that no action writes, and miss "
            f"{sorted(written - set(data))}"
        )
    result = {}
    for event_type, spec in data.items():
        for status in [*spec["from"], *([spec["to"]] if spec["to"] else [])]:
            if status not in known:
                raise ValueError(
                    f"statuses.yaml: transition {event_type} names unknown status {status}"
                )
        if spec["reasons"] not in groups:
            raise ValueError(
                f"statuses.yaml: transition {event_type} names unknown group {spec['reasons']}"
            )
        result[event_type] = Transition(
            event_type,
            tuple(spec["from"]),
            spec["to"],
            spec["reasons"],
            Label(**spec["label"]),
            spec.get("office_action", ""),
        )
    return result


@cache
def reasons() -> dict[str, dict[str, Label]]:
    """Every reason code by group, retired ones included: past events keep their labels."""
    data = _read("reasons.yaml")
    seen: set[str] = set()
    result: dict[str, dict[str, Label]] = {}
    for group, items in data.items():
        for code in items:
            if code in seen:
                raise ValueError(f"reasons.yaml: code {code} appears twice")
            seen.add(code)
        result[group] = {code: Label(zh=spec["zh"], en=spec["en"]) for code, spec in items.items()}
    return result


@cache
def retired_reasons() -> dict[str, str]:
    """Codes new events may no longer carry -> the code that took their place (C01 -> E01)."""
    known = {code for items in reasons().values() for code in items}
    retired = {
        code: spec["retired_for"]
        for items in _read("reasons.yaml").values()
        for code, spec in items.items()
        if "retired_for" in spec
    }
    for code, successor in retired.items():
        if successor not in known:
            raise ValueError(f"reasons.yaml: {code} is retired for unknown code {successor}")
    return retired


def current_reasons(group: str) -> dict[str, Label]:
    """The codes of ``group`` a new event may carry."""
    retired = retired_reasons()
    return {code: label for code, label in reasons()[group].items() if code not in retired}


def reason_label(code: str) -> Label | None:
    for items in reasons().values():
        if code in items:
            return items[code]
    return None


def status_label(code: str) -> Label:
    return statuses()[code]


def event_label(event_type: str) -> Label:
    transition = transitions().get(event_type)
    return transition.label if transition else Label(event_type, event_type)


def status_choices() -> list[tuple[str, str]]:
    return [(code, f"{label.zh} {label.en}") for code, label in statuses().items()]


def event_type_choices() -> list[tuple[str, str]]:
    return [(name, f"{t.label.zh} {t.label.en}") for name, t in transitions().items()]


def office_actions() -> dict[str, Transition]:
    """Office form slug -> the transition it performs (suspend -> suspended, …)."""
    return {t.office_action: t for t in transitions().values() if t.office_action}


def events_allowed_from(status: str) -> list[str]:
    return [t.event_type for t in transitions().values() if t.allowed_from(status)]
