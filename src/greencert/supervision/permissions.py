"""Who may act in joint supervision.

Any province's regulator may list a party on the blacklist (it binds all four) and read every
credit record; records, repairs, plans, complaints and orders are handled by the regulators of
their region. Supervision is the regulators' alone: the alliance secretariat and the node's
operator (a superuser) hold no power here.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from greencert.certification.workflow.permissions import region_in_scope
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused
from greencert.parties.models import Role
from greencert.parties.permissions import regulated_region_codes, roles_of
from greencert.regions.models import Region


def is_regulator(actor: Actor) -> bool:
    return bool(regulated_region_codes(actor))


def acts_for_region(actor: Actor, region: Region) -> bool:
    return region_in_scope(actor, region)


def regions_in_scope(actor: Actor) -> QuerySet[Region]:
    """The regions a regulator acts for: their own and every region within them."""
    codes = regulated_region_codes(actor)
    return Region.objects.filter(
        Q(code__in=codes) | Q(city_code__in=codes) | Q(province_code__in=codes)
    )


def home_region(actor: Actor) -> Region | None:
    """The region a regulator acts in (the widest they hold)."""
    regions = [r.region for r in roles_of(actor) if r.role == Role.REGULATOR and r.region]
    return min(regions, key=lambda r: (len(r.code.rstrip("0")), r.code)) if regions else None


def require_regulator(actor: Actor, doing: tuple[str, str]) -> None:
    if not is_regulator(actor):
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh=f"{doing[0]}须由长三角三省一市的监管人员进行",
            expected_en=f"{doing[1]} must be done by a regulator of Shanghai, Jiangsu, Zhejiang or Anhui",
        )


def require_region(actor: Actor, region: Region, doing: tuple[str, str]) -> None:
    if not acts_for_region(actor, region):
        raise PermissionRefused(
            field="region",
            value=region.code,
            expected_zh=f"{doing[0]}须由 {region.name_zh} 的监管人员进行",
            expected_en=f"{doing[1]} must be done by a regulator of {region.name_en}",
        )
