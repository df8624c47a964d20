"""People and records of the institutions' tests (shared fixtures are in ``greencert/conftest.py``).

Meetings are held on fixed dates of 2025, whose chair by the rotation data is Shanghai.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from greencert.catalog.models import Category
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import region
from greencert.governance import working_group
from greencert.governance.models import AgreementParty, JointMeeting, RecognitionAgreement
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


@pytest.fixture
def jiangsu_regulator(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor("js-regulator", Role.REGULATOR, region=region("320000"))


@pytest.fixture
def make_agreement(coatings: Category) -> Callable[..., RecognitionAgreement]:
    def make(
        code: str = "YRD-HR-2026-01",
        *,
        kind: str = RecognitionAgreement.Kind.INTER_PROVINCIAL,
        provinces: tuple[str, ...] = ("320000", "310000"),
        scheme: str = "",
        starts_on: dt.date = dt.date(2025, 1, 1),
        ends_on: dt.date | None = None,
        categories: tuple[Category, ...] | None = None,
    ) -> RecognitionAgreement:
        agreement = RecognitionAgreement.objects.create(
            code=code,
            title_zh=f"{code} 绿色产品认证结果互认协议",
            title_en=f"{code} mutual recognition of green product certification",
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        agreement.categories.set(categories if categories is not None else (coatings,))
        for code_ in provinces:
            province = region(code_)
            AgreementParty.objects.create(
                agreement=agreement,
                name_zh=f"{province.name_zh}市场监督管理局",
                name_en=f"{province.name_en} Administration for Market Regulation",
                region=province,
            )
        if scheme:
            AgreementParty.objects.create(
                agreement=agreement, name_zh=scheme, name_en=scheme, scheme=scheme
            )
        return agreement

    return make


@pytest.fixture
def agreement(make_agreement: Callable[..., RecognitionAgreement]) -> RecognitionAgreement:
    """Jiangsu and Shanghai recognise each other's coatings certificates."""
    return make_agreement()
