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
from .expressions import Expression
from .fingerprint import fingerprint
from .model import Scheme, Tier
from .results import Evaluation, ItemOutcome, MetricValue, Outcome, SectionOutcome, Verdict
from .submission import read_submission

# Outcomes of indicators are built with tuple.__new__ and all seven fields in order:
# a NamedTuple's generated __new__ costs about three times as much per item.
_new = tuple.__new__
_NOT_APPLICABLE_UNIT = ("not_applicable", None, (), "unit")
_NOT_APPLICABLE_CONDITION = ("not_applicable", None, (), "condition")


def evaluate(scheme: Scheme, submission: Mapping[str, object]) -> Evaluation:
    """Judge ``submission`` against ``scheme``; raises SubmissionError for malformed input."""
    data = read_submission(scheme, submission)
    values = data.values
    environment = dict(data.numbers)
    metrics = tuple(_metrics(scheme, environment)) if scheme.derived else ()
    items: list[ItemOutcome] = []
    add = items.append
    failed = lacking_data = False
    for requirement in scheme.baseline:
        answer = data.baseline.get(requirement.id)
        if answer is None:
            lacking_data = True
            add(ItemOutcome("baseline", requirement, "missing", None, (requirement.id,)))
        else:
            failed = failed or not answer
            add(ItemOutcome("baseline", requirement, "pass" if answer else "fail", answer))
    unit = data.certification_unit
    for indicator, identifier, applies_to, when, formula, check, required in scheme.indicator_plan:
        if applies_to is not None and unit not in applies_to:
            add(_new(ItemOutcome, ("indicator", indicator, *_NOT_APPLICABLE_UNIT, required)))
            continue
        if when is not None:
            if not when.names <= environment.keys():
                lacking_data = lacking_data or required
                lacking = tuple(sorted(when.names - environment.keys()))
                add(
                    _new(
                        ItemOutcome,
                        ("indicator", indicator, "missing", None, lacking, None, required),
                    )
                )
                continue
            if not _run(when, environment, identifier):
                add(
                    _new(
                        ItemOutcome, ("indicator", indicator, *_NOT_APPLICABLE_CONDITION, required)
                    )
                )
                continue
        if formula is None:
            measured = values.get(identifier)
        elif formula.names <= environment.keys():
            computed = _run(formula, environment, identifier)
            assert isinstance(computed, Decimal)  # the scheme loader only accepts numeric formulas
            measured = environment[identifier] = computed
        else:
            measured = None
        if measured is None:
            lacking_data = lacking_data or required
            lacking = (
                (identifier,)
                if formula is None
                else tuple(sorted(formula.names - environment.keys()))
            )
            add(
                _new(
                    ItemOutcome, ("indicator", indicator, "missing", None, lacking, None, required)
                )
            )
        elif check(measured):
            add(_new(ItemOutcome, ("indicator", indicator, "pass", measured, (), None, required)))
        else:
            failed = failed or required
            add(_new(ItemOutcome, ("indicator", indicator, "fail", measured, (), None, required)))
    sections = tuple(_sections(scheme, values, environment, items)) if scheme.sections else ()
    for part in sections:
        failed = failed or part.outcome == "fail"
        lacking_data = lacking_data or part.outcome == "missing"
    verdict: Verdict = "fail" if failed else "incomplete" if lacking_data else "pass"
    grade = grade_value = tier = share = None
    if verdict == "pass":
        grading = scheme.grading
        if grading is not None and grading.metric.names <= environment.keys():
            metric = _run(grading.metric, environment, "grading.metric")
            assert isinstance(metric, Decimal)  # the scheme loader only accepts numeric metrics
            grade, grade_value = grading.band_for(metric), metric
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
        share,
        fingerprint(scheme, data),
    )


def _run(expression: Expression, environment: dict[str, Decimal], owner: str) -> Decimal | bool:
    try:
        return expression.evaluate(environment)
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
            awarded = environment.get(scored.id)
            if awarded is None:
                unscored += scored.points
                lacking.append(scored.id)
                items.append(ItemOutcome("scored_item", scored, "missing", None, (scored.id,)))
            else:
                score = CONTEXT.add(score, awarded)
                items.append(ItemOutcome("scored_item", scored, "pass", awarded))
        outcome: Outcome
        if not lacking:
            environment[section.id] = score
            outcome = "pass" if score >= section.pass_mark else "fail"
        else:
            outcome = "fail" if score + unscored < section.pass_mark else "missing"
        outcomes.append(SectionOutcome(section, score, outcome, tuple(lacking)))
    return outcomes


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
