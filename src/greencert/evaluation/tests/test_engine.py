import json
from decimal import Decimal

from greencert.evaluation import evaluate, example_submission
from greencert.evaluation.fingerprint import canonical_json, canonical_text_of, payload
from greencert.evaluation.submission import read_submission

from .conftest import with_values


def test_failing_item_makes_fail_even_when_other_data_is_missing(registry) -> None:
    scheme = registry.get("cgp-coatings", "2017")
    submission = with_values(
        example_submission(scheme), lead=None, scrub_resistance=10, soluble_lead=None
    )
    assert evaluate(scheme, submission).verdict == "fail"


def test_missing_baseline_answer_is_incomplete_not_fail(registry) -> None:
    scheme = registry.get("cgp-coatings", "2017")
    submission = example_submission(scheme)
    submission["baseline"] = {}
    result = evaluate(scheme, submission)
    assert result.verdict == "incomplete"
    assert result.missing[:3] == (
        "pollutants_within_limits",
        "no_major_accident_3y",
        "qms_ems_in_place",
    )


def test_grade_is_only_awarded_with_a_pass(registry) -> None:
    scheme = registry.get("gdc-energy-efficiency", "2021")
    assert evaluate(scheme, {"values": {}}).grade is None


def test_all_required_and_no_optional_criteria_reach_bronze(tiered_scheme) -> None:
    submission = with_values(
        example_submission(tiered_scheme),
        recycled_plastic={"value": "5", "unit": "%"},
        spare_parts_years={"value": "2", "unit": "a"},
        battery_replaceable="no",
        carbon_footprint={"value": "900", "unit": "kgCO2e/t"},
    )
    result = evaluate(tiered_scheme, submission)
    assert result.verdict == "pass"
    assert result.tier is not None and result.tier.id == "bronze"


def test_half_of_optional_criteria_reach_silver(tiered_scheme) -> None:
    submission = with_values(
        example_submission(tiered_scheme), battery_replaceable="no", carbon_footprint=None
    )
    result = evaluate(tiered_scheme, submission)
    assert result.tier is not None and result.tier.id == "silver"
    assert result.optional_share == Decimal("0.5")


def test_three_quarters_of_optional_criteria_reach_gold(tiered_scheme) -> None:
    result = evaluate(
        tiered_scheme, with_values(example_submission(tiered_scheme), battery_replaceable="no")
    )
    assert result.tier is not None and result.tier.id == "gold"


def test_failing_optional_criterion_does_not_fail_the_verdict(tiered_scheme) -> None:
    result = evaluate(
        tiered_scheme, with_values(example_submission(tiered_scheme), battery_replaceable="no")
    )
    assert result.verdict == "pass"


def test_failing_required_criterion_gets_no_tier(tiered_scheme) -> None:
    submission = with_values(example_submission(tiered_scheme), standby_power="0.6")
    result = evaluate(tiered_scheme, submission)
    assert result.verdict == "fail" and result.tier is None


def test_explanation_states_measured_reference_and_outcome(registry) -> None:
    scheme = registry.get("cgp-coatings", "2017")
    submission = with_values(example_submission(scheme), voc_content={"value": "60", "unit": "g/L"})
    explanation = evaluate(scheme, submission).item("voc_content").explanation
    assert explanation.en.startswith(
        "Volatile organic compound (VOC) content: measured 60 g/L; reference value ≤ 50 g/L: fail."
    )
    assert "实测 60 g/L" in explanation.zh and "不符合" in explanation.zh
    assert "not confirmed" in explanation.en


def test_summary_names_the_failed_items(registry) -> None:
    scheme = registry.get("cgp-coatings", "2017")
    submission = with_values(
        example_submission(scheme), soluble_lead={"value": "91", "unit": "mg/kg"}
    )
    assert "Not met: soluble_lead." in evaluate(scheme, submission).summary.en


def test_to_dict_is_json_serialisable_with_documented_keys(registry) -> None:
    scheme = registry.get("rb-rural-homestay", "2022")
    data = evaluate(scheme, example_submission(scheme)).to_dict()
    json.dumps(data, ensure_ascii=False)
    assert set(data) == {
        "scheme",
        "verdict",
        "grade",
        "tier",
        "summary",
        "certification_unit",
        "items",
        "sections",
        "metrics",
        "missing",
        "inputs",
        "fingerprint",
    }
    assert data["grade"]["id"] == "diamond-5"


def test_item_dict_carries_reference_comparator_and_measured_value(registry) -> None:
    scheme = registry.get("cgp-coatings", "2017")
    item = next(
        i
        for i in evaluate(scheme, example_submission(scheme)).to_dict()["items"]
        if i["id"] == "voc_content"
    )
    assert (item["measured"], item["comparator"], item["reference"], item["unit"]) == (
        "50",
        "<=",
        "50",
        "g/L",
    )
    assert item["attribute_name"] == {"zh": "环境", "en": "environment"}


def test_fingerprint_is_sha256_of_canonical_scheme_and_inputs(registry) -> None:
    import hashlib

    scheme = registry.get("cgp-paper", "2024")
    submission = example_submission(scheme)
    result = evaluate(scheme, submission)
    text = canonical_json(payload(scheme, read_submission(scheme, submission)))
    assert result.fingerprint == "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def test_assembled_canonical_text_equals_the_json_encoder_output(registry) -> None:
    for scheme in registry:
        normalised = read_submission(scheme, example_submission(scheme))
        assert canonical_text_of(scheme, normalised) == canonical_json(payload(scheme, normalised))


def test_category_text_needing_escapes_is_encoded_as_json(tiered_scheme) -> None:
    normalised = read_submission(
        tiered_scheme,
        with_values(example_submission(tiered_scheme), battery_replaceable='say "no"\n'),
    )
    assert canonical_text_of(tiered_scheme, normalised) == canonical_json(
        payload(tiered_scheme, normalised)
    )


def test_same_quantity_in_another_unit_gives_the_same_fingerprint(registry) -> None:
    scheme = registry.get("cgp-coatings", "2017")
    grams = with_values(example_submission(scheme), voc_content={"value": "40", "unit": "g/L"})
    milligrams = with_values(
        example_submission(scheme), voc_content={"value": "40000", "unit": "mg/L"}
    )
    assert evaluate(scheme, grams).fingerprint == evaluate(scheme, milligrams).fingerprint


def test_fingerprint_changes_when_a_value_changes(registry) -> None:
    scheme = registry.get("cgp-coatings", "2017")
    first = evaluate(scheme, example_submission(scheme)).fingerprint
    second = evaluate(
        scheme, with_values(example_submission(scheme), scrub_resistance=5001)
    ).fingerprint
    assert first != second


def test_fingerprint_differs_between_scheme_versions(registry) -> None:
    submission = example_submission(registry.get("cgp-paper", "2017"))
    old = evaluate(registry.get("cgp-paper", "2017"), submission).fingerprint
    new_scheme = registry.get("cgp-paper", "2024")
    new = evaluate(new_scheme, with_values(submission)).fingerprint
    assert old != new and new_scheme.content_hash != registry.get("cgp-paper", "2017").content_hash


def test_trailing_zeros_do_not_change_the_fingerprint(registry) -> None:
    scheme = registry.get("cgp-coatings", "2017")
    plain = with_values(example_submission(scheme), voc_content={"value": "40", "unit": "g/L"})
    padded = with_values(example_submission(scheme), voc_content={"value": "40.00", "unit": "g/L"})
    assert evaluate(scheme, plain).fingerprint == evaluate(scheme, padded).fingerprint


def test_evaluation_is_deterministic(registry) -> None:
    scheme = registry.get("cgp-furniture", "2017")
    submission = example_submission(scheme, "sofa")
    assert evaluate(scheme, submission).to_dict() == evaluate(scheme, submission).to_dict()
