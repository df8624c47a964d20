"""Statuses, transitions and reason codes, read once from ``data/*.yaml`` and validated."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"

VALID, SUSPENDED, REVOKED, CANCELLED, EXPIRED = "01", "02", "03", "04", "05"


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

    def target(self, current: str) -> str:
        return self.to_status or current


@cache
def statuses() -> dict[str, Label]:
    data = yaml.safe_load((DATA_DIR / "statuses.yaml").read_text(encoding="utf-8"))
    return {code: Label(**label) for code, label in data["statuses"].items()}


@cache
def transitions() -> dict[str, Transition]:
    data = yaml.safe_load((DATA_DIR / "statuses.yaml").read_text(encoding="utf-8"))
    known = set(data["statuses"])
    groups = set(reasons())
    result = {}
    for event_type, spec in data["transitions"].items():
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
            event_type, tuple(spec["from"]), spec["to"], spec["reasons"]
        )
    return result


@cache
def reasons() -> dict[str, dict[str, Label]]:
    data = yaml.safe_load((DATA_DIR / "reasons.yaml").read_text(encoding="utf-8"))
    seen: set[str] = set()
    result: dict[str, dict[str, Label]] = {}
    for group, items in data.items():
        for code in items:
            if code in seen:
                raise ValueError(f"reasons.yaml: code {code} appears twice")
            seen.add(code)
        result[group] = {code: Label(**label) for code, label in items.items()}
    return result


def reason_label(code: str) -> Label | None:
    for items in reasons().values():
        if code in items:
            return items[code]
    return None


def status_label(code: str) -> Label:
    return statuses()[code]


@cache
def event_types() -> dict[str, Label]:
    data = yaml.safe_load((DATA_DIR / "statuses.yaml").read_text(encoding="utf-8"))
    return {name: Label(**label) for name, label in data["event_types"].items()}


def event_label(event_type: str) -> Label:
    return event_types().get(event_type, Label(event_type, event_type))
