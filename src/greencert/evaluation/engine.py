"""The criteria engine (评价引擎): judge a submission against a compiled scheme.

Verdict rule:
- Every baseline requirement, every required indicator that applies, and every scored section
  must pass. Optional indicators (``required: false``) only decide the tier.
- An item with no data is "missing". An indicator whose applicability condition reads missing
  data is "missing" too; one whose condition is false, or that is for another certification
  unit, is "not applicable".
- A section fails only when it cannot reach its pass mark even with full points for every
  unscored item; otherwise an unscored item leaves it "missing".
- Verdict: "fail" as soon as any required item or section fails on the data present (more data
  cannot repair a veto); otherwise "incomplete" if any is missing; otherwise "pass".
  So removing data never turns "fail" into "pass", and adding data never turns "pass" into "fail".
- Grade and tier are awarded only with a "pass". The tier counts optional indicators that apply:
  those without data count as not met.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .decimals import CONTEXT
from .errors import ExpressionError, Problem, SubmissionError
from .fingerprint import fingerprint
from .model import Scheme, Tier
from .results import Evaluation, ItemOutcome, MetricValue, SectionOutcome, Verdict
from .submission import read_submission


def evaluate(scheme: Scheme, submission: Mapping[str, object]) -> Evaluation:
    """Judge ``submission`` against ``scheme``; raises SubmissionError for malformed input."""
    data = read_submission(scheme, submission)
    environment: dict[str, Decimal] = {
        k: v for k, v in data.values.items() if isinstance(v, Decimal)
    }
    metrics = tuple(_metrics(scheme, environment))
    items: list[ItemOutcome] = []
    for requirement in scheme.baseline:
        answer = data.baseline.get(requirement.id)
        if answer is None:
            items.append(ItemOutcome("baseline", requirement, "missing", None, (requirement.id,)))
        else:
            items.append(ItemOutcome("baseline", requirement, "pass" if answer else "fail", answer))
    unit = data.certification_unit
    for indicator in scheme.indicators:
        if indicator.applies_to is not None and unit not in indicator.applies_to:
            items.append(ItemOutcome("indicator", indicator, "not_applicable", None, (), "unit"))
            continue
        when = indicator.when
        if when is not None:
            if not when.names <= environment.keys():
                lacking = tuple(sorted(when.names - environment.keys()))
                items.append(ItemOutcome("indicator", indicator, "missing", None, lacking))
                continue
            if not _run(when, environment, indicator.id):
                items.append(
                    ItemOutcome("indicator", indicator, "not_applicable", None, (), "condition")
                )
                continue
        formula = indicator.formula
        if formula is None:
            measured = data.values.get(indicator.id)
            lacking = (indicator.id,)
        elif formula.names <= environment.keys():
            measured = environment[indicator.id] = _run(formula, environment, indicator.id)  # type: ignore[assignment]
            lacking = ()
        else:
            measured, lacking = None, tuple(sorted(formula.names - environment.keys()))
        if measured is None:
            items.append(ItemOutcome("indicator", indicator, "missing", None, lacking))
        else:
            outcome = "pass" if indicator.reference.check(measured) else "fail"
            items.append(ItemOutcome("indicator", indicator, outcome, measured))
    sections = tuple(_sections(scheme, data.values, environment, items))
    verdict = _verdict(items, sections)
    grade = grade_value = tier = share = None
    if verdict == "pass":
        grading = scheme.grading
        if grading is not None and grading.metric.names <= environment.keys():
            grade_value = _run(grading.metric, environment, "grading.metric")
            grade = grading.band_for(grade_value)  # type: ignore[arg-type]
        if scheme.tiers:
            tier, share = _tier(scheme.tiers, items)
    return Evaluation(
        scheme,
        data,
        verdict,
        tuple(items),
        sections,
        metrics,
        grade,
        grade_value,
        tier,
        share,  # type: ignore[arg-type]
        fingerprint(scheme, data),
    )


def _run(expression: object, environment: dict[str, Decimal], owner: str) -> Decimal | bool:
    try:
        return expression.evaluate(environment)  # type: ignore[attr-defined,no-any-return]
    except ExpressionError as exc:
        raise SubmissionError(
            [
                Problem(
                    owner,
                    f"无法用所提交数据计算：{exc.zh}",
                    f"cannot be computed from the submitted data: {exc.en}",
                )
            ]
        ) from exc


def _metrics(scheme: Scheme, environment: dict[str, Decimal]) -> list[MetricValue]:
    values = []
    for metric in scheme.derived:
        if metric.inputs <= environment.keys():
            try:
                value = environment[metric.id] = metric.compute(environment)
            except ExpressionError as exc:
                raise SubmissionError(
                    [
                        Problem(
                            f"derived.{metric.id}",
                            f"无法用所提交数据计算：{exc.zh}",
                            f"cannot be computed from the submitted data: {exc.en}",
                        )
                    ]
                ) from exc
            values.append(MetricValue(metric, value, ()))
        else:
            values.append(
                MetricValue(metric, None, tuple(sorted(metric.inputs - environment.keys())))
            )
    return values


def _sections(
    scheme: Scheme,
    values: Mapping[str, object],
    environment: dict[str, Decimal],
    items: list[ItemOutcome],
) -> list[SectionOutcome]:
    outcomes = []
    for section in scheme.sections:
        score, unscored, lacking = Decimal(0), Decimal(0), []
        for scored in section.items:
            awarded = values.get(scored.id)
            if awarded is None:
                unscored += scored.points
                lacking.append(scored.id)
                items.append(ItemOutcome("scored_item", scored, "missing", None, (scored.id,)))
            else:
                score = CONTEXT.add(score, awarded)  # type: ignore[arg-type]
                items.append(ItemOutcome("scored_item", scored, "pass", awarded))  # type: ignore[arg-type]
        if not lacking:
            environment[section.id] = score
            outcome = "pass" if score >= section.pass_mark else "fail"
        else:
            outcome = "fail" if score + unscored < section.pass_mark else "missing"
        outcomes.append(SectionOutcome(section, score, outcome, tuple(lacking)))  # type: ignore[arg-type]
    return outcomes


def _verdict(items: list[ItemOutcome], sections: tuple[SectionOutcome, ...]) -> Verdict:
    incomplete = False
    for result in items:
        if result.kind == "scored_item" or not result.required:
            continue
        if result.outcome == "fail":
            return "fail"
        incomplete = incomplete or result.outcome == "missing"
    for part in sections:
        if part.outcome == "fail":
            return "fail"
        incomplete = incomplete or part.outcome == "missing"
    return "incomplete" if incomplete else "pass"


def _tier(tiers: tuple[Tier, ...], items: list[ItemOutcome]) -> tuple[Tier | None, Decimal]:
    optional = [
        r
        for r in items
        if r.kind == "indicator" and not r.required and r.outcome != "not_applicable"
    ]
    met = sum(1 for r in optional if r.outcome == "pass")
    share = CONTEXT.divide(Decimal(met), Decimal(len(optional))) if optional else Decimal(1)
    reached = None
    for tier in tiers:
        if share >= tier.optional_share:
            reached = tier
    return reached, share
