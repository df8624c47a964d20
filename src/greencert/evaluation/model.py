"""The compiled scheme (评价方案): immutable, with Decimal limits and parsed expressions."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, cast

from .expressions import Expression

Attribute = Literal["resource", "energy", "environment", "quality", "low_carbon"]
Better = Literal["higher", "lower"]
Measured = Decimal | str

_DIRECTIONS: dict[str, Better] = {"<=": "lower", "<": "lower", ">=": "higher", ">": "higher"}
ATTRIBUTE_NAMES: dict[str, tuple[str, str]] = {
    "resource": ("资源", "resource"),
    "energy": ("能源", "energy"),
    "environment": ("环境", "environment"),
    "quality": ("品质", "quality"),
    "low_carbon": ("低碳", "low-carbon"),
}


@dataclass(frozen=True, slots=True)
class Text:
    """A name or sentence in zh-hans and English."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class ValueRange:
    low: Decimal
    high: Decimal


@dataclass(frozen=True, slots=True)
class CertificationUnit:
    """认证单元: the unit a certificate covers (product type, production site)."""

    id: str
    name: Text


@dataclass(frozen=True, slots=True)
class BaselineRequirement:
    """基本要求: an enterprise-level yes/no requirement; failing it vetoes the result."""

    id: str
    text: Text
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InputQuantity:
    """A measured quantity that is not judged itself but feeds formulas and conditions."""

    id: str
    name: Text
    unit: str
    valid_range: ValueRange | None
    better: Better | None
    example: Decimal


@dataclass(frozen=True, slots=True)
class DerivedMetric:
    """派生指标: a value computed from inputs by a formula or by step bands."""

    id: str
    name: Text
    unit: str
    formula: Expression | None
    steps: tuple[tuple[Decimal, Decimal], ...]
    otherwise: Decimal
    source: str | None
    inputs: frozenset[str]
    confirmed: bool
    note: str | None

    def compute(self, environment: dict[str, Decimal]) -> Decimal:
        if self.formula is not None:
            return cast(Decimal, self.formula.evaluate(environment))  # numeric, checked at load
        value = environment[self.source or ""]
        for at_least, points in self.steps:
            if value >= at_least:
                return points
        return self.otherwise


@dataclass(frozen=True, slots=True)
class Reference:
    """评价指标基准值: the reference value with its comparator, ready to check a value."""

    comparator: str
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    options: tuple[str, ...] = ()
    check: Callable[[Measured], bool] = field(default=lambda measured: False, compare=False)

    @property
    def better(self) -> Better | None:
        return _DIRECTIONS.get(self.comparator)


@dataclass(frozen=True, slots=True)
class Indicator:
    """评价指标: one measurable criterion under one of the five attributes."""

    id: str
    attribute: Attribute
    name: Text
    unit: str | None
    reference: Reference
    stage: str
    evidence: str
    applies_to: frozenset[str] | None
    when: Expression | None
    formula: Expression | None
    valid_range: ValueRange | None
    required: bool
    confirmed: bool
    note: str | None


# What the engine reads for each indicator, unpacked in one step in its hot loop.
IndicatorPlan = tuple[
    Indicator,
    str,
    frozenset[str] | None,
    Expression | None,
    Expression | None,
    Callable[[Measured], bool],
    bool,
]


@dataclass(frozen=True, slots=True)
class Section:
    """评分部分: a group of scored items with its pass mark (e.g. 服务 service ≥ 70 of 100)."""

    id: str
    name: Text
    max_points: Decimal
    pass_mark: Decimal
    items: tuple[ScoredItem, ...]
    confirmed: bool
    note: str | None


@dataclass(frozen=True, slots=True)
class ScoredItem:
    """评分项: points awarded by the assessor, from 0 to ``points``."""

    id: str
    section: str
    name: Text
    points: Decimal
    evidence: str
    confirmed: bool
    note: str | None


@dataclass(frozen=True, slots=True)
class GradeBand:
    """等级: a grade reached when the grading metric is at or beyond ``bound``."""

    id: str
    name: Text
    rank: int
    bound: Decimal
    confirmed: bool
    note: str | None


@dataclass(frozen=True, slots=True)
class Grading:
    metric: Expression
    better: Better
    name: Text | None
    bands: tuple[GradeBand, ...]

    def band_for(self, value: Decimal) -> GradeBand | None:
        for band in self.bands:
            if (value >= band.bound) if self.better == "higher" else (value <= band.bound):
                return band
        return None


@dataclass(frozen=True, slots=True)
class Tier:
    """EPEAT-style tier: every required criterion plus this share of the optional ones."""

    id: str
    name: Text
    rank: int
    optional_share: Decimal


@dataclass(frozen=True, slots=True)
class ValueSpec:
    """What a submission's ``values[id]`` must look like, with look-ups prepared at load."""

    id: str
    unit: str | None
    categorical: bool
    valid_range: ValueRange | None
    factors: dict[str, Decimal | None] = field(default_factory=dict, compare=False)
    bare: bool = False
    json_prefix: str = ""


@dataclass(frozen=True, slots=True)
class Scheme:
    """One version of a scheme, compiled from its YAML file."""

    id: str
    version: str
    kind: Literal["product", "graded_service"]
    title: Text
    standard_number: str
    standard_year: int
    standard_title: Text
    related_standards: tuple[str, ...]
    category_code: str
    certification_units: tuple[CertificationUnit, ...]
    effective_from: datetime.date
    effective_until: datetime.date | None
    superseded_by: str | None
    sources: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    baseline: tuple[BaselineRequirement, ...]
    inputs: tuple[InputQuantity, ...]
    derived: tuple[DerivedMetric, ...]
    indicators: tuple[Indicator, ...]
    sections: tuple[Section, ...]
    grading: Grading | None
    tiers: tuple[Tier, ...]
    value_specs: dict[str, ValueSpec]
    content_hash: str
    unit_ids: frozenset[str]
    baseline_ids: frozenset[str]
    indicator_plan: tuple[IndicatorPlan, ...]
    document: dict[str, object] = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def standard(self) -> str:
        return f"{self.standard_number}-{self.standard_year}"

    @property
    def scored_items(self) -> tuple[ScoredItem, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def unit_name(self, unit_id: str) -> Text:
        for unit in self.certification_units:
            if unit.id == unit_id:
                return unit.name
        return Text(unit_id, unit_id)

    def to_dict(self) -> dict[str, Any]:
        """Identity and outline for a catalog entry; ``document`` holds every criterion as written."""
        return {
            "id": self.id,
            "version": self.version,
            "key": self.key,
            "kind": self.kind,
            "title": self.title.to_dict(),
            "standard": self.standard,
            "standard_title": self.standard_title.to_dict(),
            "related_standards": list(self.related_standards),
            "category_code": self.category_code,
            "certification_units": [
                {"id": unit.id, "name": unit.name.to_dict()} for unit in self.certification_units
            ],
            "effective_from": self.effective_from.isoformat(),
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
            "superseded_by": self.superseded_by,
            "attributes": sorted({indicator.attribute for indicator in self.indicators}),
            "counts": {
                "baseline": len(self.baseline),
                "indicators": len(self.indicators),
                "scored_items": len(self.scored_items),
                "grades": len(self.grading.bands) if self.grading else 0,
                "tiers": len(self.tiers),
            },
            "sources": list(self.sources),
            "unconfirmed": list(self.unconfirmed),
            "content_hash": self.content_hash,
            "document": self.document,
        }

    def in_force_on(self, day: datetime.date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day <= self.effective_until
        )
