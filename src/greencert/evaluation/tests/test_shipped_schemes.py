"""Every shipped scheme: a passing, a failing, an incomplete and a boundary submission."""

from decimal import Decimal

import pytest

from greencert.evaluation import Scheme, evaluate, example_submission, load_shipped_schemes
from greencert.evaluation.model import Indicator
from greencert.evaluation.registry import shipped_scheme_paths

from .conftest import with_values

SCHEMES = load_shipped_schemes().all()
IDS = [scheme.key for scheme in SCHEMES]


def directional(scheme: Scheme, unit: str | None) -> Indicator:
    """The first required, measured, applicable indicator with a ≤ or ≥ style comparator."""
    for indicator in scheme.indicators:
        if (
            indicator.required
            and indicator.formula is None
            and indicator.when is None
            and indicator.reference.comparator in ("<=", ">=")
            and (indicator.applies_to is None or unit in indicator.applies_to)
        ):
            return indicator
    raise AssertionError(f"{scheme.key} has no plain directional indicator")


def entry(indicator: Indicator, value: Decimal) -> dict[str, str | None]:
    return {"value": str(value), "unit": indicator.unit}


def test_every_scheme_file_loads() -> None:
    assert len(SCHEMES) == len(shipped_scheme_paths()) >= 9


@pytest.mark.parametrize("scheme", SCHEMES, ids=IDS)
def test_example_submission_passes(scheme: Scheme) -> None:
    assert evaluate(scheme, example_submission(scheme)).verdict == "pass"


@pytest.mark.parametrize(
    "scheme", [s for s in SCHEMES if s.indicators], ids=[s.key for s in SCHEMES if s.indicators]
)
def test_value_beyond_reference_fails(scheme: Scheme) -> None:
    submission = example_submission(scheme)
    indicator = directional(scheme, submission.get("certification_unit"))
    assert indicator.reference.value is not None
    worse = indicator.reference.value + (1 if indicator.reference.comparator == "<=" else -1)
    result = evaluate(scheme, with_values(submission, **{indicator.id: entry(indicator, worse)}))
    assert result.verdict == "fail"
    assert result.item(indicator.id).outcome == "fail"


@pytest.mark.parametrize("scheme", SCHEMES, ids=IDS)
def test_missing_value_is_incomplete(scheme: Scheme) -> None:
    submission = example_submission(scheme)
    judged = [i.id for i in scheme.indicators] + [i.id for i in scheme.scored_items]
    first = next(key for key in submission["values"] if key in judged)
    result = evaluate(scheme, with_values(submission, **{first: None}))
    assert result.verdict == "incomplete"
    assert first in result.missing


@pytest.mark.parametrize(
    "scheme", [s for s in SCHEMES if s.indicators], ids=[s.key for s in SCHEMES if s.indicators]
)
def test_value_exactly_at_reference_passes(scheme: Scheme) -> None:
    submission = example_submission(scheme)
    indicator = directional(scheme, submission.get("certification_unit"))
    assert indicator.reference.value is not None
    result = evaluate(
        scheme,
        with_values(submission, **{indicator.id: entry(indicator, indicator.reference.value)}),
    )
    assert result.item(indicator.id).outcome == "pass"


@pytest.mark.parametrize(
    "scheme", [s for s in SCHEMES if s.baseline], ids=[s.key for s in SCHEMES if s.baseline]
)
def test_failed_baseline_requirement_vetoes(scheme: Scheme) -> None:
    submission = example_submission(scheme)
    submission["baseline"][scheme.baseline[0].id] = False
    assert evaluate(scheme, submission).verdict == "fail"


@pytest.mark.parametrize("scheme", SCHEMES, ids=IDS)
def test_unconfirmed_thresholds_say_so_beside_the_value(scheme: Scheme) -> None:
    for indicator in scheme.indicators:
        assert indicator.confirmed or indicator.note


def test_furniture_2017_has_twenty_nine_indicators_and_no_energy_attribute(registry) -> None:
    indicators = registry.get("cgp-furniture", "2017").indicators
    assert len(indicators) == 29
    assert "energy" not in {indicator.attribute for indicator in indicators}


def test_six_first_batch_product_categories_are_shipped(registry) -> None:
    codes = {s.category_code for s in registry if s.kind == "product"}
    assert {
        "GB/T 35601",
        "GB/T 35602",
        "GB/T 35607",
        "GB/T 35610",
        "GB/T 35611",
        "GB/T 35613",
    } <= codes


# 涂料 GB/T 35602: the VOC limit depends on 60° gloss.
def test_coatings_low_gloss_limit_applies_at_gloss_ten(registry) -> None:
    scheme = registry.get("cgp-coatings", "2017")
    submission = with_values(
        example_submission(scheme),
        gloss_60={"value": "10", "unit": "GU"},
        voc_content={"value": "60", "unit": "g/L"},
    )
    result = evaluate(scheme, submission)
    assert result.item("voc_content").outcome == "fail"
    assert result.item("voc_content_high_gloss").outcome == "not_applicable"


def test_coatings_high_gloss_limit_applies_above_gloss_ten(registry) -> None:
    scheme = registry.get("cgp-coatings", "2017")
    submission = with_values(
        example_submission(scheme),
        gloss_60={"value": "10.5", "unit": "GU"},
        voc_content_high_gloss={"value": "60", "unit": "g/L"},
    )
    result = evaluate(scheme, submission)
    assert result.item("voc_content").outcome == "not_applicable"
    assert result.item("voc_content_high_gloss").outcome == "pass"


def test_coatings_without_gloss_cannot_judge_voc(registry) -> None:
    scheme = registry.get("cgp-coatings", "2017")
    result = evaluate(scheme, with_values(example_submission(scheme), gloss_60=None))
    assert result.verdict == "incomplete"
    assert result.item("voc_content").lacking == ("gloss_60",)


def test_coatings_exterior_unit_skips_interior_limits(registry) -> None:
    scheme = registry.get("cgp-coatings", "2017")
    submission = example_submission(scheme, "exterior_wall")
    result = evaluate(scheme, submission)
    assert result.verdict == "pass"
    assert result.item("voc_content").reason == "unit"


# 纺织产品 GB/T 35611: three units with their own formaldehyde and pH limits.
def test_textiles_infant_ph_outside_range_fails(registry) -> None:
    scheme = registry.get("cgp-textiles", "2017")
    submission = with_values(
        example_submission(scheme, "infant"), ph_infant={"value": "7.6", "unit": "1"}
    )
    assert evaluate(scheme, submission).item("ph_infant").outcome == "fail"


def test_textiles_skin_contact_formaldehyde_boundary_passes(registry) -> None:
    scheme = registry.get("cgp-textiles", "2017")
    submission = with_values(
        example_submission(scheme, "skin_contact"),
        formaldehyde_skin={"value": "75", "unit": "mg/kg"},
    )
    assert evaluate(scheme, submission).verdict == "pass"


# 纸和纸制品 GB/T 35613: the 2024 version adds the low-carbon attribute.
def test_paper_2024_adds_low_carbon_indicators(registry) -> None:
    old, new = registry.get("cgp-paper", "2017"), registry.get("cgp-paper", "2024")
    assert not any(i.attribute == "low_carbon" for i in old.indicators)
    assert {i.id for i in new.indicators if i.attribute == "low_carbon"} == {
        "carbon_footprint",
        "renewable_energy_share",
    }


def test_paper_2024_fails_on_carbon_footprint(registry) -> None:
    scheme = registry.get("cgp-paper", "2024")
    submission = with_values(
        example_submission(scheme), carbon_footprint={"value": "1.3", "unit": "tCO2e/t"}
    )
    assert evaluate(scheme, submission).verdict == "fail"


def test_paper_2017_does_not_accept_carbon_footprint(registry) -> None:
    from greencert.evaluation import SubmissionError

    scheme = registry.get("cgp-paper", "2017")
    submission = with_values(
        example_submission(scheme), carbon_footprint={"value": "1", "unit": "kgCO2e/t"}
    )
    with pytest.raises(SubmissionError):
        evaluate(scheme, submission)


# 绿色数据中心 2025 screen.
def dc_submission(**values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "certification_unit": "general",
        "values": {
            "gbt44989_level": 2,
            "pue": "1.25",
            "rack_count": 3000,
            "rack_occupancy": {"value": "60", "unit": "%"},
            "it_load_usage": {"value": "72", "unit": "%"},
        },
    }
    return with_values(base, **values)


def test_data_centre_meeting_every_screen_passes(registry) -> None:
    assert evaluate(registry.get("gdc-national-green", "2025"), dc_submission()).verdict == "pass"


def test_data_centre_pue_above_1_30_fails(registry) -> None:
    result = evaluate(registry.get("gdc-national-green", "2025"), dc_submission(pue="1.31"))
    assert result.verdict == "fail" and result.item("pue").outcome == "fail"


def test_data_centre_under_3000_racks_fails_for_general_operators(registry) -> None:
    assert (
        evaluate(registry.get("gdc-national-green", "2025"), dc_submission(rack_count=2999)).verdict
        == "fail"
    )


def test_public_sector_data_centre_is_exempt_from_rack_count(registry) -> None:
    submission = dc_submission(rack_count=None)
    submission["certification_unit"] = "public_sector"
    result = evaluate(registry.get("gdc-national-green", "2025"), submission)
    assert result.verdict == "pass"
    assert result.item("rack_count").outcome == "not_applicable"


def test_data_centre_index_scores_follow_the_older_formula(registry) -> None:
    result = evaluate(
        registry.get("gdc-national-green", "2025"),
        dc_submission(it_load_usage={"value": "55", "unit": "%"}),
    )
    metrics = {m.metric.id: m.value for m in result.metrics}
    assert metrics == {"pue_score": Decimal("55.00"), "it_load_points": Decimal(2)}


def test_data_centre_pue_score_is_capped_at_60(registry) -> None:
    result = evaluate(registry.get("gdc-national-green", "2025"), dc_submission(pue="1.00"))
    assert {m.metric.id: m.value for m in result.metrics}["pue_score"] == Decimal(60)


@pytest.mark.parametrize(
    ("ratio", "grade"),
    [("1.20", "grade-1"), ("1.21", "grade-2"), ("1.30", "grade-2"), ("1.50", "grade-3")],
)
def test_gb_40879_grade_bands(registry, ratio: str, grade: str) -> None:
    result = evaluate(
        registry.get("gdc-energy-efficiency", "2021"),
        {"values": {"energy_efficiency_ratio": ratio}},
    )
    assert result.grade is not None and result.grade.id == grade


def test_gb_40879_ratio_above_limit_value_fails_without_grade(registry) -> None:
    result = evaluate(
        registry.get("gdc-energy-efficiency", "2021"),
        {"values": {"energy_efficiency_ratio": "1.51"}},
    )
    assert result.verdict == "fail" and result.grade is None


# 乡村民宿 RB/T 081-2022: service and management each ≥ 70 of 100.
def homestay(service: int, management: int) -> dict[str, object]:
    scheme = load_shipped_schemes().get("rb-rural-homestay", "2022")
    submission = example_submission(scheme)
    values = submission["values"]
    assert isinstance(values, dict)
    for section, target in (("service", service), ("management", management)):
        items = [i for i in scheme.scored_items if i.section == section]
        shortfall = 100 - target
        for item in items:
            cut = min(int(item.points), shortfall)
            values[item.id] = int(item.points) - cut
            shortfall -= cut
    return submission


def test_homestay_with_both_sections_at_70_passes_with_one_diamond(registry) -> None:
    result = evaluate(registry.get("rb-rural-homestay", "2022"), homestay(70, 70))
    assert result.verdict == "pass"
    assert result.grade is not None and result.grade.id == "diamond-1"


def test_homestay_with_one_section_at_69_fails(registry) -> None:
    result = evaluate(registry.get("rb-rural-homestay", "2022"), homestay(100, 69))
    assert result.verdict == "fail"
    assert [s.outcome for s in result.sections] == ["pass", "fail"]


def test_homestay_full_marks_earns_five_diamonds(registry) -> None:
    result = evaluate(registry.get("rb-rural-homestay", "2022"), homestay(100, 100))
    assert result.grade is not None and result.grade.name.zh == "五钻"


def test_homestay_unscored_item_leaves_section_undecided(registry) -> None:
    result = evaluate(
        registry.get("rb-rural-homestay", "2022"), with_values(homestay(90, 90), reception=None)
    )
    assert result.verdict == "incomplete"
    assert result.sections[0].outcome == "missing"


def test_homestay_section_that_cannot_reach_pass_mark_fails_despite_gaps(registry) -> None:
    scheme = registry.get("rb-rural-homestay", "2022")
    # every service item scored 0 except reception (15 points), which is not scored yet
    zeros: dict[str, object] = {i.id: 0 for i in scheme.scored_items if i.section == "service"}
    zeros["reception"] = None
    submission = with_values(homestay(90, 90), **zeros)
    result = evaluate(scheme, submission)
    assert result.sections[0].outcome == "fail"
    assert result.verdict == "fail"


def test_homestay_points_above_item_maximum_are_rejected(registry) -> None:
    from greencert.evaluation import SubmissionError

    with pytest.raises(SubmissionError) as caught:
        evaluate(
            registry.get("rb-rural-homestay", "2022"), with_values(homestay(90, 90), reception=16)
        )
    assert caught.value.problems[0].location == "values.reception"


def test_homestay_summary_names_the_failed_section(registry) -> None:
    result = evaluate(registry.get("rb-rural-homestay", "2022"), homestay(100, 69))
    assert "Not met: management." in result.summary.en
