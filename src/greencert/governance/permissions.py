"""Who may act in the plan's institutions.

- The working group: a regulator whose role is scoped to a member's region acts for that member.
  The chair's regulators (the provincial regulator chairing the meeting's year, 组长单位) draft,
  edit and publish a joint meeting, its decisions and its tasks: the plan gives the chair the
  convening of the year's work, and no separate secretariat of the group exists in the plan.
  A task is marked done by its assigned member or by the chair.
- The alliance secretariat (联盟秘书处, role ``alliance_admin``) manages members and documents and
  nothing else: it has no power here over meetings, and none over certificates.
- A certificate cites an alliance document through its issuing body's staff only.
Superusers get nothing from these checks: they act through the back office, not as a role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused
from greencert.parties.models import Role
from greencert.parties.permissions import body_ids_of, roles_of
from greencert.regions.models import Region, RegionLevel


def member_codes_of(actor: Actor) -> set[str]:
    """The working-group members (region codes) the actor is a regulator of."""
    from greencert.governance.roster import member_codes

    held = {r.region_id for r in roles_of(actor) if r.role == Role.REGULATOR and r.region_id}
    return held & member_codes()


def is_secretariat(actor: Actor) -> bool:
    return any(r.role == Role.ALLIANCE_ADMIN for r in roles_of(actor))


def require_chair(actor: Actor, chair: Region, doing: tuple[str, str]) -> None:
    if chair.code not in member_codes_of(actor):
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh=f"{doing[0]}须由当年组长单位{chair.name_zh}市场监管部门的人员进行",
            expected_en=f"{doing[1]} must be done by the year's chair, the market regulator "
            f"of {chair.name_en}",
        )


def require_chair_or_assignee(
    actor: Actor, chair: Region, assignee: Region, doing: tuple[str, str]
) -> None:
    if not member_codes_of(actor) & {chair.code, assignee.code}:
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh=f"{doing[0]}须由承办成员{assignee.name_zh}或组长单位{chair.name_zh}"
            "市场监管部门的人员进行",
            expected_en=f"{doing[1]} must be done by the assigned member ({assignee.name_en}) "
            f"or the chair ({chair.name_en})",
        )


def require_secretariat(actor: Actor, doing: tuple[str, str]) -> None:
    if not is_secretariat(actor):
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh=f"{doing[0]}须由长三角绿色认证联盟秘书处进行",
            expected_en=f"{doing[1]} must be done by the alliance secretariat",
        )


def require_issuing_body(actor: Actor, body_id: int, doing: tuple[str, str]) -> None:
    if body_id not in body_ids_of(actor):
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh=f"{doing[0]}须由发证认证机构的人员进行",
            expected_en=f"{doing[1]} must be done by staff of the certification body that "
            "issued the certificate",
        )


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


def can_create_agreements(actor: Actor) -> bool:
    """互认协议 are concluded by the provinces' market regulators."""
    return bool(provincial_regions(actor))


def require_own_province_among(
    actor: Actor, provinces: list[Region], doing: tuple[str, str]
) -> Region:
    """The actor's province among ``provinces``; refuses anyone whose province is not one."""
    own = {r.code for r in provincial_regions(actor)}
    among = [p for p in provinces if p.code in own]
    if not among:
        names_zh = "、".join(p.name_zh for p in provinces) or "（未选择）"
        names_en = ", ".join(p.name_en for p in provinces) or "(none chosen)"
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh=f"{doing[0]}须由协议方所在省（市）市场监管部门的监管人员进行：{names_zh}",
            expected_en=(
                f"{doing[1]} must be done by a regulator of a province that is a party: {names_en}"
            ),
        )
    return among[0]


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
