"""Fixtures shared by every app's tests, plus the supervision cast."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from greencert.core.actors import Actor
from greencert.core.tests.fixtures import *  # noqa: F403
from greencert.core.tests.fixtures import region
from greencert.parties.models import Role


@pytest.fixture
def anhui_regulator(make_actor: Callable[..., Actor]) -> Actor:
    """A regulator of a province other than the default certificate site's (湖州, Zhejiang)."""
    return make_actor("ah-regulator", Role.REGULATOR, region=region("340000"))
