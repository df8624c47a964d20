"""Properties that must hold for every scheme, whatever the submitted values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greencert.evaluation import Evaluation, Scheme, evaluate, load_shipped_schemes
from greencert.evaluation.model import ValueSpec
from greencert.evaluation.results import VERDICT_RANK
from greencert.evaluation.units import unit_table

from .conftest import FIXTURES

SCHEMES = [*load_shipped_schemes().all()]
SCHEMES.append(
    __import__("greencert.evaluation", fromlist=["load_scheme"]).load_scheme(
        FIXTURES / "tiered-electronics.yaml"
    )
)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STEP = Decimal("0.01")


def bounds(scheme: Scheme, spec: ValueSpec) -> tuple[Decimal, Decimal]:
    if spec.valid_range is not None:
        return spec.valid_range.low, spec.valid_range.high
    references = [
        i.reference.value
        for i in scheme.indicators
        if i.id == spec.id and i.reference.value is not None
    ]
    references += [q.example for q in scheme.inputs if q.id == spec.id]
    return Decimal(0), max(references or [Decimal(10)]) * 3


def favourable(scheme: Scheme) -> dict[str, str]:
    """Which way is better for each value that has a direction."""
    directions: dict[str, str] = {}
    for indicator in scheme.indicators:
        if indicator.formula is None and indicator.reference.better:
            directions[indicator.id] = indicator.reference.better
    for quantity in scheme.inputs:
        if quantity.better:
            directions[quantity.id] = quantity.better
    for item in scheme.scored_items:
        directions[item.id] = "higher"
    return directions


def encode(spec: ValueSpec, value: Decimal | str) -> object:
    if isinstance(value, str):
        return value
    if spec.unit is not None and unit_table().accepts_bare_numbers(spec.unit):
        return str(value)
    return {"value": str(value), "unit": spec.unit}


@st.composite
def submissions(draw: st.DrawFn) -> tuple[Scheme, dict[str, Any], dict[str, Decimal | str]]:
    scheme = draw(st.sampled_from(SCHEMES))
    raw: dict[str, Decimal | str] = {}
    for spec in scheme.value_specs.values():
        if draw(st.integers(0, 9)) == 0:
            continue
        if spec.categorical:
            options = next(i.reference.options for i in scheme.indicators if i.id == spec.id)
            raw[spec.id] = draw(st.sampled_from([*options, "other"]))
        else:
            low, high = bounds(scheme, spec)
            raw[spec.id] = Decimal(draw(st.integers(int(low / STEP), int(high / STEP)))) * STEP
    baseline = {
        b.id: draw(st.sampled_from([True, True, True, False, None])) for b in scheme.baseline
    }
    submission: dict[str, Any] = {"baseline": {k: v for k, v in baseline.items() if v is not None}}
    if scheme.certification_units:
        submission["certification_unit"] = draw(
            st.sampled_from([u.id for u in scheme.certification_units])
        )
    submission["values"] = {
        key: encode(scheme.value_specs[key], value) for key, value in raw.items()
    }
    return scheme, submission, raw


def standing(result: Evaluation) -> tuple[int, int, int]:
    grading = result.scheme.grading
    grade = (
        0 if result.grade is None or grading is None else len(grading.bands) - result.grade.rank + 1
    )
    tier = 0 if result.tier is None else result.tier.rank
    return VERDICT_RANK[result.verdict], grade, tier


@SETTINGS
@given(submissions(), st.data())
def test_improving_a_value_never_lowers_verdict_grade_or_tier(case, data) -> None:
    scheme, submission, raw = case
    directions = {k: v for k, v in favourable(scheme).items() if k in raw}
    if not directions:
        return
    key = data.draw(st.sampled_from(sorted(directions)))
    spec = scheme.value_specs[key]
    low, high = bounds(scheme, spec) if spec.valid_range else (Decimal(0), Decimal("1e9"))
    step = Decimal(data.draw(st.integers(1, 5000))) * STEP
    current = raw[key]
    assert isinstance(current, Decimal)
    better = min(current + step, high) if directions[key] == "higher" else max(current - step, low)
    improved = dict(submission, values={**submission["values"], key: encode(spec, better)})
    before, after = standing(evaluate(scheme, submission)), standing(evaluate(scheme, improved))
    assert after[0] >= before[0]
    if before[0] == after[0] == VERDICT_RANK["pass"]:
        assert after[1:] >= before[1:] and after[1] >= before[1] and after[2] >= before[2]


@SETTINGS
@given(submissions(), st.data())
def test_removing_data_never_turns_fail_into_pass(case, data) -> None:
    scheme, submission, _ = case
    result = evaluate(scheme, submission)
    values, baseline = submission["values"], submission["baseline"]
    drop_values = data.draw(st.sets(st.sampled_from(sorted(values)))) if values else set()
    drop_baseline = data.draw(st.sets(st.sampled_from(sorted(baseline)))) if baseline else set()
    reduced = dict(
        submission,
        values={k: v for k, v in values.items() if k not in drop_values},
        baseline={k: v for k, v in baseline.items() if k not in drop_baseline},
    )
    if result.verdict == "fail":
        assert evaluate(scheme, reduced).verdict != "pass"


@SETTINGS
@given(submissions(), st.randoms())
def test_result_is_independent_of_input_order(case, random) -> None:
    scheme, submission, _ = case

    def shuffled(mapping: dict[str, Any]) -> dict[str, Any]:
        keys = list(mapping)
        random.shuffle(keys)
        return {key: mapping[key] for key in keys}

    reordered = shuffled(
        {
            **submission,
            "values": shuffled(submission["values"]),
            "baseline": shuffled(submission["baseline"]),
        }
    )
    assert evaluate(scheme, reordered).to_dict() == evaluate(scheme, submission).to_dict()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)


@SETTINGS
@given(st.sampled_from(SCHEMES), st.data())
def test_arbitrary_json_gives_a_result_or_a_submission_error(scheme, data) -> None:
    from greencert.evaluation import SubmissionError

    keys = [*scheme.value_specs, "unknown"]
    values = data.draw(
        st.dictionaries(
            st.sampled_from(keys),
            JSON_VALUES | st.fixed_dictionaries({"value": JSON_VALUES, "unit": JSON_VALUES}),
            max_size=6,
        )
    )
    submission = {
        "certification_unit": data.draw(
            JSON_VALUES | st.sampled_from([u.id for u in scheme.certification_units] or [None])
        ),
        "baseline": data.draw(
            st.dictionaries(
                st.sampled_from([b.id for b in scheme.baseline] or ["x"]), JSON_VALUES, max_size=3
            )
        ),
        "values": values,
    }
    try:
        evaluate(scheme, submission).to_dict()
    except SubmissionError as error:
        assert error.problems and all(p.zh and p.en for p in error.problems)
