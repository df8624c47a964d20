"""Indicators and targets (统计指标与目标): the data files, their loader and adding a target."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, ValidationFailed

DATA = Path(__file__).resolve().parent / "data"
COMPARISONS = (">", ">=")


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: str
    measure: dict[str, Any] | None

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_zh


@cache
def indicators() -> dict[str, Indicator]:
    raw = yaml.safe_load((DATA / "indicators.yaml").read_text(encoding="utf-8"))
    found: dict[str, Indicator] = {}
    for entry in raw["indicators"]:
        measure = entry.get("measure")
        if measure is not None and (
            set(measure) - {"status", "kind", "categories"} or "status" not in measure
        ):
            raise ValueError(f"indicator {entry['code']}: measure {measure} is not understood")
        found[entry["code"]] = Indicator(
            entry["code"], entry["name_zh"], entry["name_en"], entry["unit"], measure
        )
    return found


def shipped_targets() -> list[dict[str, Any]]:
    raw = yaml.safe_load((DATA / "targets.yaml").read_text(encoding="utf-8"))
    known = indicators()
    for entry in raw["targets"]:
        if entry["indicator"] not in known or entry["comparison"] not in COMPARISONS:
            raise ValueError(f"targets.yaml: {entry} names an unknown indicator or comparison")
        if entry.get("actual", "measured") not in ("measured", "none") or (
            entry.get("actual") == "none" and not {"zh", "en"} <= set(entry.get("note") or {})
        ):
            raise ValueError(
                f"targets.yaml: {entry}: `actual` is `none` (with a `note` in zh and en) or absent"
            )
    return list(raw["targets"])


@cache
def unmeasured_targets() -> dict[tuple[str, str, int], dict[str, str]]:
    """(region, indicator, year) -> why the registry has no actual figure for that target."""
    return {
        (entry["region"], entry["indicator"], entry["year"]): entry["note"]
        for entry in shipped_targets()
        if entry.get("actual") == "none"
    }


def sync_targets(target_model: Any, region_model: Any) -> None:
    """Load the shipped targets (the data migration and the test harness's reload call this)."""
    for entry in shipped_targets():
        target_model.objects.update_or_create(
            region=region_model.objects.get(code=entry["region"]),
            indicator=entry["indicator"],
            year=entry["year"],
            defaults={
                "value": entry["value"],
                "comparison": entry["comparison"],
                "source": entry["source"],
            },
        )


def add_target(
    actor: Actor,
    *,
    region_code: str,
    indicator: str,
    year: int,
    value: int,
    comparison: str = ">=",
    source: str = "",
) -> Any:
    """A regulator sets (or replaces) the target of a province or city for one indicator."""
    from greencert.parties.models import Role, RoleAssignment
    from greencert.portal.models import Target
    from greencert.regions.models import Region

    if (
        actor.user is None
        or not RoleAssignment.objects.filter(
            user=actor.user, role__in=[Role.REGULATOR, Role.ALLIANCE_ADMIN]
        ).exists()
    ):
        raise PermissionRefused(
            field="user",
            value=actor.label,
            expected_zh="监管人员或联盟管理员才能设定目标",
            expected_en="a regulator or the alliance administrator to set targets",
        )
    region = Region.objects.filter(code=region_code, level__in=["province", "city"]).first()
    if region is None:
        raise ValidationFailed(
            field="region",
            value=region_code,
            expected_zh="长三角的省级或地市代码（GB/T 2260），如 320000",
            expected_en="a GB/T 2260 province or city code of the YRD, e.g. 320000",
        )
    if indicator not in indicators():
        raise ValidationFailed(
            field="indicator",
            value=indicator,
            expected_zh=f"以下指标之一：{'、'.join(indicators())}",
            expected_en=f"one of the indicators: {', '.join(indicators())}",
        )
    if not 2000 <= year <= 2100:
        raise ValidationFailed(
            field="year",
            value=year,
            expected_zh="2000 到 2100 之间的年份",
            expected_en="a year from 2000 to 2100",
        )
    if value < 0:
        raise ValidationFailed(
            field="value", value=value, expected_zh="非负整数", expected_en="a whole number ≥ 0"
        )
    if comparison not in COMPARISONS:
        raise ValidationFailed(
            field="comparison", value=comparison, expected_zh="> 或 >=", expected_en="> or >="
        )
    target, _ = Target.objects.update_or_create(
        region=region,
        indicator=indicator,
        year=year,
        defaults={
            "value": value,
            "comparison": comparison,
            "source": source,
            "added_by": actor.user,
        },
    )
    return target


def describe_target(indicator: str, region_code: str, year: int) -> Any:
    """One target as a governance decision shows it (registered in ``PortalConfig.ready``)."""
    from greencert.governance.targets import TargetView
    from greencert.portal.models import Target

    target = (
        Target.objects.select_related("region")
        .filter(indicator=indicator, region_id=region_code or None, year=year)
        .first()
    )
    known = indicators().get(indicator)
    if target is None or known is None:
        return None
    region = target.region
    return TargetView(
        indicator_zh=known.name_zh,
        indicator_en=known.name_en,
        region_zh=region.name_zh if region else "长三角",
        region_en=region.name_en if region else "the YRD",
        year=year,
        value=target.value,
        comparison="≥" if target.comparison == ">=" else ">",
        unit=known.unit,
    )
