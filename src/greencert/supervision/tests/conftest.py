"""A regulator of a second province, for the supervision tests (the fixtures every app's tests
share are in ``greencert/conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from greencert.core.actors import Actor
from greencert.core.tests.fixtures import region
from greencert.parties.models import Role


@pytest.fixture
def anhui_regulator(make_actor: Callable[..., Actor]) -> Actor:
    """A regulator of a province other than the default certificate site's (湖州, Zhejiang)."""
    return make_actor("ah-regulator", Role.REGULATOR, region=region("340000"))
