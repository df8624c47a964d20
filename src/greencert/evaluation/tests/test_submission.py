from decimal import Decimal

import pytest

from greencert.evaluation import SubmissionError, evaluate, example_submission

from .conftest import with_values


def problem(scheme, submission) -> tuple[str, str, str]:
    with pytest.raises(SubmissionError) as caught:
        evaluate(scheme, submission)
    first = caught.value.problems[0]
    return first.location, first.en, first.zh


@pytest.fixture
def coatings(registry):
    return registry.get("cgp-coatings", "2017")


def test_value_in_a_convertible_unit_is_converted(coatings) -> None:
    submission = with_values(
        example_submission(coatings), voc_content={"value": "40000", "unit": "mg/L"}
    )
    result = evaluate(coatings, submission)
    assert result.item("voc_content").measured == Decimal("40")
    assert result.item("voc_content").outcome == "pass"


def test_unit_alias_is_accepted(coatings) -> None:
    submission = with_values(
        example_submission(coatings), voc_content={"value": "40", "unit": "g/l"}
    )
    assert evaluate(coatings, submission).item("voc_content").outcome == "pass"


def test_value_in_a_unit_of_another_dimension_is_an_error(coatings) -> None:
    submission = with_values(
        example_submission(coatings), voc_content={"value": "40", "unit": "mg/m³"}
    )
    location, en, zh = problem(coatings, submission)
    assert location == "values.voc_content.unit"
    assert "cannot be converted to g/L" in en and "不能换算为 g/L" in zh


def test_unknown_unit_is_an_error(coatings) -> None:
    submission = with_values(
        example_submission(coatings), voc_content={"value": "40", "unit": "gallons"}
    )
    assert "unknown unit 'gallons'" in problem(coatings, submission)[1]


def test_plain_number_for_a_physical_unit_is_an_error(coatings) -> None:
    submission = with_values(example_submission(coatings), voc_content="40")
    location, en, _ = problem(coatings, submission)
    assert location == "values.voc_content"
    assert 'missing unit; expected {"value": "40", "unit": "g/L"}' in en


def test_plain_number_for_a_counted_unit_is_accepted(coatings) -> None:
    submission = with_values(example_submission(coatings), scrub_resistance=6000)
    assert evaluate(coatings, submission).item("scrub_resistance").outcome == "pass"


@pytest.mark.parametrize(
    "bad", [float("nan"), float("inf"), "NaN", "Infinity", "1_000", True, "", " 5", "1e99", "١٢"]
)
def test_non_finite_or_odd_numbers_are_rejected(coatings, bad: object) -> None:
    submission = with_values(example_submission(coatings), scrub_resistance=bad)
    location, en, _ = problem(coatings, submission)
    assert location == "values.scrub_resistance"
    assert "expected a finite decimal" in en


def test_finite_float_is_read_by_its_shortest_repr(coatings) -> None:
    submission = with_values(
        example_submission(coatings), voc_content={"value": 0.1, "unit": "g/L"}
    )
    assert evaluate(coatings, submission).item("voc_content").measured == Decimal("0.1")


def test_value_outside_valid_range_is_an_error(registry) -> None:
    scheme = registry.get("gdc-national-green", "2025")
    submission = with_values(example_submission(scheme), pue="0.9")
    location, en, _ = problem(scheme, submission)
    assert location == "values.pue" and "expected 1 to 5" in en


def test_unknown_value_id_is_an_error(coatings) -> None:
    submission = with_values(example_submission(coatings), voc={"value": "1", "unit": "g/L"})
    assert problem(coatings, submission)[0] == "values.voc"


def test_unknown_baseline_requirement_is_an_error(coatings) -> None:
    submission = example_submission(coatings)
    submission["baseline"]["iso_9001"] = True
    assert problem(coatings, submission)[0] == "baseline.iso_9001"


def test_baseline_answer_must_be_boolean(coatings) -> None:
    submission = example_submission(coatings)
    submission["baseline"]["qms_ems_in_place"] = "yes"
    assert "expected true, false or null" in problem(coatings, submission)[1]


def test_unknown_certification_unit_lists_the_valid_ones(coatings) -> None:
    submission = example_submission(coatings)
    submission["certification_unit"] = "roof"
    location, en, _ = problem(coatings, submission)
    assert location == "certification_unit" and "exterior_wall" in en


def test_unexpected_top_level_field_is_an_error(coatings) -> None:
    submission = example_submission(coatings)
    submission["extra"] = 1
    assert problem(coatings, submission)[0] == "extra"


def test_category_value_with_a_unit_is_an_error(coatings) -> None:
    submission = with_values(
        example_submission(coatings), packaging_recyclable={"value": "yes", "unit": "%"}
    )
    assert "category name as text" in problem(coatings, submission)[1]


def test_every_problem_is_reported_together(coatings) -> None:
    submission = with_values(example_submission(coatings), voc_content="40", scrub_resistance="NaN")
    with pytest.raises(SubmissionError) as caught:
        evaluate(coatings, submission)
    assert {p.location for p in caught.value.problems} == {
        "values.voc_content",
        "values.scrub_resistance",
    }


def test_null_value_counts_as_missing_not_as_an_error(coatings) -> None:
    submission = with_values(
        example_submission(coatings), scrub_resistance={"value": None, "unit": "cycles"}
    )
    assert evaluate(coatings, submission).item("scrub_resistance").outcome == "missing"


def test_unit_that_is_not_text_is_an_error(coatings) -> None:
    submission = with_values(
        example_submission(coatings), voc_content={"value": "40", "unit": ["g/L"]}
    )
    location, en, _ = problem(coatings, submission)
    assert location == "values.voc_content.unit" and "expected g/L" in en


def test_certification_unit_that_is_not_text_is_an_error(coatings) -> None:
    submission = example_submission(coatings)
    submission["certification_unit"] = ["exterior_wall"]
    assert problem(coatings, submission)[0] == "certification_unit"
