"""The working group's members and its chair by year, read from ``data/working_group.yaml``.

A member is a market regulator, named by the region it regulates. The chair of a year is the
year's entry under ``known`` (an official text) or else the rotation's turn; both are data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from greencert.regions.models import Region

DATA = Path(__file__).resolve().parent / "data" / "working_group.yaml"


@dataclass(frozen=True)
class Member:
    region_code: str
    regulator_zh: str
    regulator_en: str
    convening: bool

    def regulator(self, language: str) -> str:
        return self.regulator_en if language.startswith("en") else self.regulator_zh


@dataclass(frozen=True)
class ChairTerm:
    year: int
    region_code: str
    confirmed: bool
    source: str


@cache
def _data() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    rotation = raw["chair_rotation"]
    convening = [m["region"] for m in raw["convening"]]
    if sorted(rotation["order"]) != sorted(convening):
        raise ValueError("working_group.yaml: the chair rotates among the convening provinces only")
    for year, entry in (rotation.get("known") or {}).items():
        if entry["region"] not in convening:
            raise ValueError(f"working_group.yaml: the {year} chair is not a convening province")
    return raw


def members() -> list[Member]:
    raw = _data()
    return [
        Member(m["region"], m["regulator_zh"], m["regulator_en"], convening)
        for convening, group in ((True, raw["convening"]), (False, raw["participating"]))
        for m in group
    ]


def member_codes() -> set[str]:
    return {m.region_code for m in members()}


def member(region_code: str) -> Member | None:
    return next((m for m in members() if m.region_code == region_code), None)


def first_year() -> int:
    return int(_data()["chair_rotation"]["first_year"])


def chair_for(year: int) -> ChairTerm | None:
    """The chair (组长单位) of ``year``; None before the working group existed."""
    rotation = _data()["chair_rotation"]
    known = (rotation.get("known") or {}).get(year)
    if known:
        return ChairTerm(year, known["region"], bool(known.get("confirmed")), known["source"])
    if year < first_year():
        return None
    order = rotation["order"]
    return ChairTerm(
        year,
        order[(year - first_year()) % len(order)],
        bool(rotation["confirmed"]),
        rotation["source"],
    )


def chairs(until: int) -> list[ChairTerm]:
    """Every chair from the first year to ``until``, latest first."""
    found = (chair_for(year) for year in range(until, first_year() - 1, -1))
    return [term for term in found if term is not None]


def check_against_regions() -> list[str]:
    """Problems of the data against the regions table (empty when it is consistent)."""
    problems: list[str] = []
    regions = Region.objects.in_bulk([m.region_code for m in members()])
    for m in members():
        region = regions.get(m.region_code)
        if region is None:
            problems.append(f"{m.region_code}: no such region")
        elif m.convening and region.level != "province":
            problems.append(f"{m.region_code}: a convening member must be a province")
        elif not m.convening and not region.pilot_zone:
            problems.append(f"{m.region_code}: a participating member must be in the pilot zone")
    return problems
