"""People and records of the institutions' tests (shared fixtures are in ``greencert/conftest.py``).

Meetings are held on fixed dates of 2025, whose chair by the rotation data is Shanghai.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from greencert.core.actors import Actor
from greencert.core.tests.fixtures import region
from greencert.governance import working_group
from greencert.governance.models import JointMeeting
from greencert.parties.models import Role

MEETING_DAY = dt.date(2025, 6, 10)


@pytest.fixture
def huzhou_regulator(make_actor: Callable[..., Actor]) -> Actor:
    """A regulator of Huzhou, a participating member of the working group."""
    return make_actor("hz-regulator", Role.REGULATOR, region=region("330500"))


@pytest.fixture
def secretariat(alliance_admin: Actor) -> Actor:
    return alliance_admin


@pytest.fixture
def draft(shanghai_regulator: Actor) -> JointMeeting:
    """A draft joint meeting of 2025, chaired by Shanghai, with minutes."""
    return working_group.draft_meeting(
        shanghai_regulator,
        title="2025 年长三角绿色认证一体化发展联席会议",
        held_on=MEETING_DAY,
        place="上海市青浦区",
        attendees=[region("320000"), region("330500")],
        agenda="一、通报年度工作\n二、审议先行区推进举措",
        minutes="会议审议通过了先行区推进举措。",
    )
