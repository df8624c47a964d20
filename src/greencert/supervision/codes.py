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
