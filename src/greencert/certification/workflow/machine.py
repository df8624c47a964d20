"""The application state machine, read once from ``data/workflow.yaml`` and validated."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from greencert.certification.lifecycle.codes import DATA_DIR, Label
from greencert.core.errors import TransitionRefused

ROLES = {"enterprise", "body_staff", "lab_staff", "regulator", "alliance_admin"}


@dataclass(frozen=True)
class Transition:
    name: str
    from_states: tuple[str, ...]
    to_state: str
    role: str
    needs_reason: bool
    label: Label


@dataclass(frozen=True)
class TimeLimit:
    name: str
    start: str
    stop: str
    days: int
    working_days: bool
    label: Label


@dataclass(frozen=True)
class Workflow:
    states: dict[str, Label]
    final_states: frozenset[str]
    transitions: dict[str, Transition]
    inspection_outcomes: dict[str, tuple[str, Label]]
    time_limits: tuple[TimeLimit, ...]
    surveillance_kinds: dict[str, tuple[Label, str]]
    surveillance_outcomes: dict[str, Label]
    document_kinds: dict[str, Label]
    document_extensions: frozenset[str]
    document_max_bytes: int
    document_min_bytes: int
    # The document kinds an application must carry before it is accepted, by category kind.
    required_documents: dict[str, tuple[str, ...]]

    def required_for(self, category_kind: str) -> tuple[str, ...]:
        return self.required_documents.get(category_kind, ())

    def allowed_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.from_states]


def _label(spec: dict[str, Any]) -> Label:
    return Label(zh=str(spec["zh"]), en=str(spec["en"]))


def parse(data: dict[str, Any]) -> Workflow:
    """Build and check the workflow; any inconsistency in the data file is an error at start-up."""
    states = {name: _label(spec) for name, spec in data["states"].items()}
    problems: list[str] = []
    transitions: dict[str, Transition] = {}
    for name, spec in data["transitions"].items():
        for state in [*spec["from"], spec["to"]]:
            if state not in states:
                problems.append(f"transition {name} names unknown state {state}")
        if spec["role"] not in ROLES:
            problems.append(f"transition {name} names unknown role {spec['role']}")
        transitions[name] = Transition(
            name,
            tuple(spec["from"]),
            spec["to"],
            spec["role"],
            bool(spec.get("reason", False)),
            _label(spec),
        )
    finals = frozenset(data["final_states"])
    for state in finals:
        if any(state in t.from_states for t in transitions.values()):
            problems.append(f"final state {state} has a transition out of it")
    outcomes = {}
    for name, spec in data["inspection_outcomes"].items():
        if spec["transition"] not in transitions:
            problems.append(f"inspection outcome {name} names unknown transition")
        outcomes[name] = (spec["transition"], _label(spec))
    limits = []
    for name, spec in data["time_limits"].items():
        for key in ("from", "until"):
            if spec[key] not in transitions:
                problems.append(f"time limit {name}: {key} names unknown transition {spec[key]}")
        working = "working_days" in spec
        limits.append(
            TimeLimit(
                name,
                spec["from"],
                spec["until"],
                int(spec["working_days"] if working else spec["days"]),
                working,
                _label(spec),
            )
        )
    surveillance = data["surveillance"]
    documents = data["documents"]
    for kind, names in (documents.get("required") or {}).items():
        for name in names:
            if name not in documents["kinds"]:
                problems.append(f"documents.required.{kind}: unknown document kind {name}")
    if problems:
        raise ValueError("workflow.yaml: " + "; ".join(problems))
    return Workflow(
        states=states,
        final_states=finals,
        transitions=transitions,
        inspection_outcomes=outcomes,
        time_limits=tuple(limits),
        surveillance_kinds={
            name: (_label(spec), spec["reason_code"])
            for name, spec in surveillance["kinds"].items()
        },
        surveillance_outcomes={
            name: _label(spec) for name, spec in surveillance["outcomes"].items()
        },
        document_kinds={name: _label(spec) for name, spec in documents["kinds"].items()},
        document_extensions=frozenset(documents["extensions"]),
        document_max_bytes=int(documents["max_bytes"]),
        document_min_bytes=int(documents.get("min_bytes", 1)),
        required_documents={
            kind: tuple(names) for kind, names in (documents.get("required") or {}).items()
        },
    )


@cache
def workflow() -> Workflow:
    return parse(yaml.safe_load((DATA_DIR / "workflow.yaml").read_text(encoding="utf-8")))


def state_label(state: str) -> Label:
    return workflow().states.get(state, Label(state, state))


def refuse(reference: str, state: str, transition: Transition) -> TransitionRefused:
    """The error for a transition not allowed from ``state``: what it is, and what is allowed."""
    flow = workflow()
    current = state_label(state)
    allowed = flow.allowed_from(state)
    froms = [state_label(s) for s in transition.from_states]
    return TransitionRefused(
        field="state",
        value=state,
        expected_zh=(
            f"申请 {reference} 当前状态为「{current.zh}」，"
            f"「{transition.label.zh}」只能在「{'、'.join(f.zh for f in froms) or '新建'}」时进行；"
            f"当前允许：{'、'.join(t.label.zh for t in allowed) or '无（已结束）'}"
        ),
        expected_en=(
            f"application {reference} is {current.en}; {transition.label.en} is allowed only when "
            f"{' or '.join(f.en for f in froms) or 'new'}; "
            f"allowed now: {', '.join(t.label.en for t in allowed) or 'none (closed)'}"
        ),
        extra={"current_state": state, "allowed": [t.name for t in allowed]},
    )
