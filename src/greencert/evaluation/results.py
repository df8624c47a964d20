"""The result of an evaluation (评价结果) and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from . import explain
from .decimals import canonical_text
from .model import (
    ATTRIBUTE_NAMES,
    BaselineRequirement,
    DerivedMetric,
    GradeBand,
    Indicator,
    Measured,
    Scheme,
    ScoredItem,
    Section,
    Text,
    Tier,
)
from .submission import NormalisedSubmission

Outcome = Literal["pass", "fail", "missing", "not_applicable"]
Verdict = Literal["pass", "fail", "incomplete"]
ItemKind = Literal["baseline", "indicator", "scored_item"]
VERDICT_RANK: dict[str, int] = {"fail": 0, "incomplete": 1, "pass": 2}


def _number(value: Decimal | None) -> str | None:
    return None if value is None else canonical_text(value)


class ItemOutcome(NamedTuple):
    """How one baseline requirement, indicator or scored item came out, and why."""

    kind: ItemKind
    item: BaselineRequirement | Indicator | ScoredItem
    outcome: Outcome
    measured: Measured | bool | None
    lacking: tuple[str, ...] = ()
    reason: Literal["unit", "condition"] | None = None
    required: bool = True

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def explanation(self) -> Text:
        return explain.item(self)

    def to_dict(self) -> dict[str, Any]:
        item = self.item
        measured = self.measured
        data: dict[str, Any] = {
            "id": item.id,
            "kind": self.kind,
            "name": (item.text if isinstance(item, BaselineRequirement) else item.name).to_dict(),
            "outcome": self.outcome,
            "measured": _number(measured) if isinstance(measured, Decimal) else measured,
            "required": self.required,
        }
        if isinstance(item, Indicator):
            zh, en = ATTRIBUTE_NAMES[item.attribute]
            data.update(
                attribute=item.attribute,
                attribute_name={"zh": zh, "en": en},
                unit=item.unit,
                comparator=item.reference.comparator,
                reference=explain.reference_value(item),
                stage=item.stage,
                evidence=[item.evidence],
                confirmed=item.confirmed,
                note=item.note,
            )
        elif isinstance(item, ScoredItem):
            data.update(
                unit="points",
                section=item.section,
                points=_number(item.points),
                confirmed=item.confirmed,
                note=item.note,
                evidence=[item.evidence],
            )
        else:
            data.update(evidence=list(item.evidence))
        data["lacking"] = list(self.lacking)
        data["explanation"] = self.explanation.to_dict()
        return data


@dataclass(frozen=True, slots=True)
class SectionOutcome:
    """A scored section: points awarded so far against its pass mark."""

    section: Section
    score: Decimal
    outcome: Outcome
    lacking: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.section.id

    @property
    def explanation(self) -> Text:
        return explain.section(self)

    def to_dict(self) -> dict[str, Any]:
        section = self.section
        return {
            "id": section.id,
            "name": section.name.to_dict(),
            "score": _number(self.score),
            "max_points": _number(section.max_points),
            "pass_mark": _number(section.pass_mark),
            "outcome": self.outcome,
            "lacking": list(self.lacking),
            "explanation": self.explanation.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class MetricValue:
    """A derived metric's value, or None with the inputs it lacked."""

    metric: DerivedMetric
    value: Decimal | None
    lacking: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric
        return {
            "id": metric.id,
            "name": metric.name.to_dict(),
            "value": _number(self.value),
            "unit": metric.unit,
            "formula": metric.formula.source if metric.formula else None,
            "lacking": list(self.lacking),
            "confirmed": metric.confirmed,
            "note": metric.note,
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """评价结果: the verdict, each item's outcome, grade or tier, and a fingerprint of the inputs."""

    scheme: Scheme
    submission: NormalisedSubmission
    verdict: Verdict
    items: tuple[ItemOutcome, ...]
    sections: tuple[SectionOutcome, ...]
    metrics: tuple[MetricValue, ...]
    grade: GradeBand | None
    grade_value: Decimal | None
    tier: Tier | None
    optional_share: Decimal | None
    fingerprint: str

    @property
    def missing(self) -> tuple[str, ...]:
        """Ids of the data that were needed but absent, in scheme order."""
        seen: dict[str, None] = {}
        results: list[ItemOutcome | SectionOutcome] = [*self.items, *self.sections]
        for result in results:
            for identifier in result.lacking:
                seen.setdefault(identifier, None)
        return tuple(seen)

    @property
    def summary(self) -> Text:
        return explain.summary(self)

    def item(self, item_id: str) -> ItemOutcome:
        for result in self.items:
            if result.id == item_id:
                return result
        raise KeyError(item_id)

    def to_dict(self) -> dict[str, Any]:
        scheme = self.scheme
        grading = scheme.grading
        return {
            "scheme": {
                "id": scheme.id,
                "version": scheme.version,
                "title": scheme.title.to_dict(),
                "standard": scheme.standard,
                "category_code": scheme.category_code,
                "content_hash": scheme.content_hash,
            },
            "verdict": self.verdict,
            "grade": None
            if self.grade is None
            else {
                "id": self.grade.id,
                "name": self.grade.name.to_dict(),
                "rank": self.grade.rank,
                "of": len(grading.bands) if grading else 0,
                "metric_value": _number(self.grade_value),
                "confirmed": self.grade.confirmed,
            },
            "tier": None
            if self.tier is None
            else {
                "id": self.tier.id,
                "name": self.tier.name.to_dict(),
                "rank": self.tier.rank,
                "optional_share": _number(self.optional_share),
            },
            "summary": self.summary.to_dict(),
            "certification_unit": self.submission.certification_unit,
            "items": [result.to_dict() for result in self.items],
            "sections": [result.to_dict() for result in self.sections],
            "metrics": [value.to_dict() for value in self.metrics],
            "missing": list(self.missing),
            "inputs": self.submission.to_dict(),
            "fingerprint": self.fingerprint,
        }
