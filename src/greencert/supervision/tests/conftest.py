"""A regulator of a second province, for the supervision tests (the fixtures every app's tests
share are in ``greencert/conftest.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from greencert.core.actors import Actor
from greencert.core.tests.fixtures import region
from greencert.parties.models import Role
from greencert.supervision.models import InspectionPlan


@pytest.fixture
def anhui_regulator(make_actor: Callable[..., Actor]) -> Actor:
    """A regulator of a province other than the default certificate site's (湖州, Zhejiang)."""
    return make_actor("ah-regulator", Role.REGULATOR, region=region("340000"))


@pytest.fixture
def at_draw_time(time_machine: Any) -> Callable[[InspectionPlan], None]:
    """Moves the clock past the time a committed plan stated for its draw."""

    def move(plan: InspectionPlan) -> None:
        plan.refresh_from_db()
        assert plan.draw_not_before is not None
        time_machine.move_to(plan.draw_not_before + dt.timedelta(minutes=1), tick=False)

    return move
