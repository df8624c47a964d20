"""The application state machine: every allowed transition succeeds, every other one is refused
with a message naming the current state and what is allowed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from greencert.certification.models import Application, ApplicationStep
from greencert.certification.workflow.machine import parse, workflow
from greencert.certification.workflow.testing import PATHS, Cast, step
from greencert.core.errors import TransitionRefused

FLOW = workflow()
PAIRS = [(state, name) for state in FLOW.states for name in FLOW.transitions if name != "submit"]
ALLOWED = [(s, n) for s, n in PAIRS if s in FLOW.transitions[n].from_states]
REFUSED = [(s, n) for s, n in PAIRS if s not in FLOW.transitions[n].from_states]


def test_every_state_is_reachable_for_the_tests() -> None:
    assert set(PATHS) == set(FLOW.states)


@pytest.mark.parametrize(("state", "transition"), ALLOWED)
def test_allowed_transition_moves_the_application(
    application_in: Callable[[str], Application], cast: Cast, state: str, transition: str
) -> None:
    application = application_in(state)
    application = step(cast, application, transition)
    assert application.state == FLOW.transitions[transition].to_state
    last = application.steps.order_by("-id").first()
    assert last is not None
    assert (last.transition, last.state_before) == (transition, state)


@pytest.mark.parametrize(("state", "transition"), REFUSED)
def test_refused_transition_names_the_state_and_what_is_allowed(
    application_in: Callable[[str], Application], cast: Cast, state: str, transition: str
) -> None:
    application = application_in(state)
    steps_before = ApplicationStep.objects.filter(application=application).count()
    with pytest.raises(TransitionRefused) as refused:
        step(cast, application, transition)
    error = refused.value
    assert error.extra["current_state"] == state
    assert FLOW.states[state].zh in error.message_zh
    assert FLOW.states[state].en in error.message_en
    allowed = [t.label.en for t in FLOW.allowed_from(state)]
    assert all(label in error.message_en for label in allowed)
    application.refresh_from_db()
    assert application.state == state
    assert ApplicationStep.objects.filter(application=application).count() == steps_before


def test_final_states_allow_nothing() -> None:
    for state in FLOW.final_states:
        assert FLOW.allowed_from(state) == []


def test_a_transition_naming_an_unknown_state_is_refused_at_load() -> None:
    import copy

    import yaml

    from greencert.certification.lifecycle.codes import DATA_DIR

    data = yaml.safe_load((DATA_DIR / "workflow.yaml").read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    broken["transitions"]["accept"]["to"] = "nowhere"
    with pytest.raises(ValueError, match="unknown state nowhere"):
        parse(broken)
    broken = copy.deepcopy(data)
    broken["transitions"]["accept"]["role"] = "janitor"
    with pytest.raises(ValueError, match="unknown role janitor"):
        parse(broken)
