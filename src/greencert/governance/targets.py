"""Statistics targets a decision may aim at, answered from above.

Targets (目标) live in the portal's statistics, a layer above governance; the portal registers how
to describe one at start-up (``PortalConfig.ready``), so a decision links a target by its key
(indicator, region, year) without importing the portal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TargetView:
    """A target as people read it."""

    indicator_zh: str
    indicator_en: str
    region_zh: str
    region_en: str
    year: int
    value: int
    comparison: str
    unit: str

    def describe(self, language: str) -> str:
        english = language.startswith("en")
        indicator = self.indicator_en if english else self.indicator_zh
        region = self.region_en if english else self.region_zh
        return f"{region} · {indicator} {self.comparison} {self.value} {self.unit} ({self.year})"


# (indicator, region code or "", year) -> the target, or None when there is no such target.
TargetLookup = Callable[[str, str, int], TargetView | None]
_registered: list[TargetLookup] = []


def register_target_lookup(lookup: TargetLookup) -> None:
    _registered[:] = [lookup]


def find_target(indicator: str, region_code: str, year: int) -> TargetView | None:
    if not _registered:
        return None
    return _registered[0](indicator, region_code, year)
