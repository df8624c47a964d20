"""Who may act in the plan's institutions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused
from greencert.parties.models import Role
from greencert.parties.permissions import roles_of
from greencert.regions.models import Region, RegionLevel

if TYPE_CHECKING:
    from greencert.governance.models import AgreementParty, RecognitionAgreement

# ---------------------------------------------------------------- announcements and recognition


def provincial_regions(actor: Actor) -> list[Region]:
    """The provinces whose market regulator the actor works for (推进工作组 member provinces)."""
    return [
        r.region
        for r in roles_of(actor)
        if r.role == Role.REGULATOR
        and r.region is not None
        and r.region.level == RegionLevel.PROVINCE
    ]


def can_publish_announcements(actor: Actor) -> bool:
    """公告 are the working group's: drafted and published by a provincial regulator."""
    return bool(provincial_regions(actor))


def require_announcement_publisher(actor: Actor, doing: tuple[str, str]) -> Region:
    """The province the actor publishes for; refuses anyone but a provincial regulator."""
    regions = provincial_regions(actor)
    if not regions:
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh=f"{doing[0]}须由推进工作组成员（一市三省市场监管部门）的监管人员进行",
            expected_en=(
                f"{doing[1]} must be done by a regulator of a working-group province "
                "(the market regulators of Shanghai, Jiangsu, Zhejiang or Anhui)"
            ),
        )
    return min(regions, key=lambda r: r.code)


def parties_acted_for(actor: Actor, agreement: RecognitionAgreement) -> list[AgreementParty]:
    """The agreement's parties the actor acts for: the regulators of the actor's provinces."""
    codes = {r.code for r in provincial_regions(actor)}
    return [p for p in agreement.parties.all() if p.region_id in codes]


def require_agreement_party(
    actor: Actor, agreement: RecognitionAgreement, doing: tuple[str, str]
) -> AgreementParty:
    parties = parties_acted_for(actor, agreement)
    if not parties:
        names_zh = "、".join(p.name_zh for p in agreement.parties.all() if p.region_id)
        names_en = ", ".join(p.name_en for p in agreement.parties.all() if p.region_id)
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh=f"{doing[0]}须由协议 {agreement.code} 的协议方监管人员进行：{names_zh}",
            expected_en=(
                f"{doing[1]} must be done by a regulator of a party to agreement "
                f"{agreement.code}: {names_en}"
            ),
        )
    return parties[0]
