"""Supervision codes and credit rules, read once from ``data/*.yaml`` and validated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from greencert.certification.lifecycle.codes import Label

DATA_DIR = Path(__file__).parent / "data"


@cache
def _codes() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA_DIR / "codes.yaml").read_text(encoding="utf-8"))
    return data


def labels(group: str) -> dict[str, Label]:
    return {code: Label(spec["zh"], spec["en"]) for code, spec in _codes()[group].items()}


def spec(group: str, code: str) -> dict[str, Any]:
    result: dict[str, Any] = _codes()[group][code]
    return result


def inspection_setting(name: str) -> int:
    return int(_codes()["inspection"][name])


def ratio_bounds(kind: str) -> tuple[Decimal, Decimal]:
    item = spec("inspection_items", kind)
    return Decimal(item["ratio_min"]), Decimal(item["ratio_max"])


def choices(group: str) -> list[tuple[str, str]]:
    return [(code, f"{label.zh} {label.en}") for code, label in labels(group).items()]


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min_score: int
    label: Label


@dataclass(frozen=True)
class CreditRules:
    """One version of the credit grade rules (``data/credit_rules/<version>.yaml``)."""

    version: str
    effective_from: dt.date
    start_score: int
    max_score: int
    window_months: int
    blacklisted_grade: str
    points: dict[str, int]
    repairable_after_months: dict[str, int]
    grades: tuple[GradeBand, ...]

    def grade_for(self, score: int) -> GradeBand:
        for band in self.grades:
            if score >= band.min_score:
                return band
        return self.grades[-1]

    def band(self, grade: str) -> GradeBand:
        return next(b for b in self.grades if b.grade == grade)


def _load_rules(path: Path) -> CreditRules:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = set(_codes()["credit_sources"])
    unknown = (set(data["points"]) | set(data["repairable_after_months"])) - sources
    if unknown:
        raise ValueError(f"{path.name}: unknown credit sources {sorted(unknown)}")
    if set(data["points"]) != sources:
        raise ValueError(f"{path.name}: points must be given for every source {sorted(sources)}")
    bands = tuple(
        GradeBand(g["grade"], int(g["min_score"]), Label(g["zh"], g["en"])) for g in data["grades"]
    )
    if [b.min_score for b in bands] != sorted((b.min_score for b in bands), reverse=True):
        raise ValueError(f"{path.name}: grades must be listed from the highest min_score down")
    if data["blacklisted_grade"] not in {b.grade for b in bands}:
        raise ValueError(f"{path.name}: blacklisted_grade is not one of the grades")
    if str(data["version"]) != path.stem:
        raise ValueError(f"{path.name}: version {data['version']} does not match the file name")
    return CreditRules(
        version=str(data["version"]),
        effective_from=data["effective_from"],
        start_score=int(data["start_score"]),
        max_score=int(data["max_score"]),
        window_months=int(data["window_months"]),
        blacklisted_grade=data["blacklisted_grade"],
        points={k: int(v) for k, v in data["points"].items()},
        repairable_after_months={k: int(v) for k, v in data["repairable_after_months"].items()},
        grades=bands,
    )


@cache
def credit_rule_versions() -> tuple[CreditRules, ...]:
    """Every shipped version, oldest first."""
    rules = [_load_rules(p) for p in sorted((DATA_DIR / "credit_rules").glob("*.yaml"))]
    return tuple(sorted(rules, key=lambda r: r.effective_from))


def credit_rules(on: dt.date | None = None) -> CreditRules:
    """The version in force on ``on`` (the earliest version for dates before all of them)."""
    versions = credit_rule_versions()
    if on is None:
        return versions[-1]
    in_force = [r for r in versions if r.effective_from <= on]
    return in_force[-1] if in_force else versions[0]


@cache
def _yaml(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))
    return data


def draw_class_factors() -> dict[str, Decimal]:
    """The sampling factor of each credit risk class (``data/draw_ratios.yaml``), checked
    against the classes of every credit rule version."""
    factors = {
        c: Decimal(str(v["factor"])) for c, v in _yaml("draw_ratios.yaml")["classes"].items()
    }
    for rules in credit_rule_versions():
        missing = {b.grade for b in rules.grades} - set(factors)
        if missing:
            raise ValueError(f"draw_ratios.yaml: no factor for classes {sorted(missing)}")
    if any(f <= 0 for f in factors.values()):
        raise ValueError("draw_ratios.yaml: every factor must be positive")
    return factors


def unclassified_class() -> str:
    return str(_yaml("draw_ratios.yaml")["unclassified"])


@dataclass(frozen=True)
class BlacklistRules:
    """The listing periods and effects of ``data/blacklist_rules.yaml`` (SAMR Order No. 44)."""

    order: Label
    listing_years: int
    early_removal_after_years: int
    conditions: tuple[Label, ...]
    measures: tuple[dict[str, Any], ...]

    def measure_with(self, key: str) -> dict[str, Any] | None:
        return next((m for m in self.measures if key in m), None)

    @property
    def listed_draw_class(self) -> str | None:
        measure = self.measure_with("draw_class")
        return None if measure is None else str(measure["draw_class"])


@cache
def blacklist_rules() -> BlacklistRules:
    data = _yaml("blacklist_rules.yaml")
    periods = data["periods"]
    listing, early = int(periods["listing_years"]), int(periods["early_removal_after_years"])
    if not 0 < early < listing:
        raise ValueError("blacklist_rules.yaml: early removal must open within the listing period")
    return BlacklistRules(
        order=Label(data["order"]["zh"], data["order"]["en"]),
        listing_years=listing,
        early_removal_after_years=early,
        conditions=tuple(
            Label(c["zh"], c["en"]) for c in data["early_removal_conditions"]["items"]
        ),
        measures=tuple(data["effects"]["measures"]),
    )


@cache
def contact_retention_days() -> int:
    """Days after closing that a complainant's contact details are kept (complaint_privacy.yaml)."""
    days = int(_yaml("complaint_privacy.yaml")["contact_retention"]["days_after_closing"])
    if days < 0:
        raise ValueError("complaint_privacy.yaml: days_after_closing must not be negative")
    return days
