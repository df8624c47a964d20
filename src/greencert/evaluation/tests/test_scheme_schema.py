import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from greencert.evaluation import SchemeError, load_scheme
from greencert.evaluation.scheme import build_scheme
from greencert.evaluation.validation import scheme_schema

VALID = """
scheme: test-coatings
version: "1.0"
kind: product
title: {zh: 测试涂料, en: Test coatings}
standard: {number: GB/T 35602, year: 2017, title: {zh: 涂料, en: Coatings}}
category_code: GB/T 35602
effective_from: "2018-07-01"
provenance: {sources: [test]}
certification_units:
  - {id: interior, name: {zh: 内墙, en: Interior}}
baseline:
  - {id: ems, text: {zh: 环境管理体系, en: EMS}, evidence: [document]}
inputs:
  - {id: gloss, name: {zh: 光泽, en: Gloss}, unit: GU, example: "5"}
indicators:
  - {id: voc, attribute: environment, name: {zh: VOC, en: VOC}, unit: g/L, comparator: "<=",
     reference: "50", stage: use, evidence: test_report, confirmed: true, source: test fixture}
  - {id: lead, attribute: environment, name: {zh: 铅, en: Lead}, unit: mg/kg, comparator: "<=",
     reference: "90", stage: use, evidence: test_report, confirmed: true, source: test fixture}
  - {id: packaging, attribute: resource, name: {zh: 包装, en: Packaging}, unit: null,
     comparator: one_of, reference: ["yes"], stage: distribution, evidence: document,
     confirmed: true, source: test fixture}
  - {id: scrub, attribute: quality, name: {zh: 耐洗刷, en: Scrub}, unit: cycles,
     comparator: ">=", reference: "5000", stage: use, evidence: test_report, confirmed: true, source: test fixture}
"""


def document() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(VALID))


def error_for(doc: object) -> SchemeError:
    with pytest.raises(SchemeError) as caught:
        build_scheme(doc, "broken.yaml")
    return caught.value


def test_published_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(scheme_schema())
    assert scheme_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_valid_document_loads() -> None:
    assert build_scheme(document(), "ok.yaml").key == "test-coatings@1.0"


def test_unknown_comparator_names_path_and_allowed_values() -> None:
    doc = document()
    doc["indicators"][3]["comparator"] = "≈"
    message = str(error_for(doc))
    assert "broken.yaml: indicators[3].comparator" in message
    assert "expected one of:" in message and '"<="' in message and '"one_of"' in message
    assert "应为以下之一" in message
    assert '"≈"' in message


def test_missing_required_field_is_named() -> None:
    doc = document()
    del doc["indicators"][1]["stage"]
    message = str(error_for(doc))
    assert "indicators[1]: missing required field stage" in message
    assert "缺少必填字段 stage" in message


def test_unexpected_field_is_named() -> None:
    doc = document()
    doc["indicators"][0]["threshold"] = "50"
    assert "indicators[0]: unexpected field threshold" in str(error_for(doc))


def test_float_reference_asks_for_a_quoted_decimal() -> None:
    doc = document()
    doc["indicators"][0]["reference"] = 0.05
    message = str(error_for(doc))
    assert "indicators[0].reference" in message
    assert 'write decimals as quoted strings such as "0.05"' in message


def test_range_reference_needs_min_and_max() -> None:
    doc = document()
    doc["indicators"][0].update(comparator="range", reference={"min": "4.0"})
    assert "indicators[0].reference: missing required field max" in str(error_for(doc))


def test_one_of_reference_must_be_a_list() -> None:
    doc = document()
    doc["indicators"][2]["reference"] = "yes"
    message = str(error_for(doc))
    assert "indicators[2].reference" in message and "expected list" in message


def test_unconfirmed_threshold_requires_a_note() -> None:
    doc = document()
    doc["indicators"][0]["confirmed"] = False
    assert "indicators[0]: missing required field note" in str(error_for(doc))


def test_unknown_attribute_is_rejected() -> None:
    doc = document()
    doc["indicators"][0]["attribute"] = "water"
    message = str(error_for(doc))
    assert "indicators[0].attribute" in message and '"low_carbon"' in message


def test_malformed_date_is_rejected() -> None:
    doc = document()
    doc["effective_from"] = "2018-13-01"
    assert "effective_from: expected a date written YYYY-MM-DD" in str(error_for(doc))


def test_bad_scheme_id_pattern_is_explained() -> None:
    doc = document()
    doc["scheme"] = "Coatings 2017"
    assert "scheme: expected a lower-case id such as cgp-coatings" in str(error_for(doc))


def test_derived_metric_needs_exactly_one_of_formula_or_steps() -> None:
    doc = document()
    doc["derived"] = [
        {
            "id": "score",
            "name": {"zh": "分", "en": "Score"},
            "unit": "points",
            "confirmed": True,
            "source": "test fixture",
        }
    ]
    assert "derived[0]: expected exactly one of the fields formula, steps" in str(error_for(doc))


def test_unsafe_formula_names_path_and_position() -> None:
    doc = document()
    doc["derived"] = [
        {
            "id": "score",
            "name": {"zh": "分", "en": "Score"},
            "unit": "points",
            "formula": "gloss.__class__",
            "confirmed": True,
            "source": "test fixture",
        }
    ]
    message = str(error_for(doc))
    assert "derived[0].formula" in message
    assert "at position 5: attribute access" in message


def test_condition_with_unknown_name_is_rejected() -> None:
    doc = document()
    doc["indicators"][0]["when"] = "sheen <= 10"
    message = str(error_for(doc))
    assert "indicators[0].when" in message and "unknown name 'sheen'" in message


def test_unknown_unit_is_rejected() -> None:
    doc = document()
    doc["indicators"][0]["unit"] = "furlongs"
    assert "indicators[0].unit: unknown unit 'furlongs'" in str(error_for(doc))


def test_unknown_certification_unit_in_applies_to_is_rejected() -> None:
    doc = document()
    doc["indicators"][0]["applies_to"] = ["exterior"]
    assert "indicators[0].applies_to[0]: unknown certification unit 'exterior'" in str(
        error_for(doc)
    )


def test_duplicate_id_is_rejected() -> None:
    doc = document()
    doc["indicators"][1]["id"] = "voc"
    assert "indicators[1].id: id 'voc' is already used at indicators[0].id" in str(error_for(doc))


def test_effective_until_before_effective_from_is_rejected() -> None:
    doc = document()
    doc["effective_until"] = "2017-01-01"
    assert "effective_until" in str(error_for(doc))


def test_section_points_must_add_up_to_the_maximum() -> None:
    doc = document()
    doc["sections"] = [
        {
            "id": "service",
            "name": {"zh": "服务", "en": "Service"},
            "max_points": "100",
            "pass_mark": "70",
        }
    ]
    doc["scored_items"] = [
        {
            "id": "reception",
            "section": "service",
            "name": {"zh": "接待", "en": "Reception"},
            "points": "60",
            "evidence": "on_site_check",
            "confirmed": True,
            "source": "test fixture",
        }
    ]
    assert (
        "sections[0].max_points: scored items add up to 60; expected the section maximum 100"
        in str(error_for(doc))
    )


def test_grade_bands_must_run_from_best_to_worst() -> None:
    doc = document()
    doc["grading"] = {
        "metric": "gloss",
        "better": "higher",
        "bands": [
            {
                "id": "low",
                "name": {"zh": "低", "en": "Low"},
                "bound": "1",
                "confirmed": True,
                "source": "test fixture",
            },
            {
                "id": "high",
                "name": {"zh": "高", "en": "High"},
                "bound": "9",
                "confirmed": True,
                "source": "test fixture",
            },
        ],
    }
    assert "grading.bands: expected bands from best to worst" in str(error_for(doc))


def test_every_problem_is_reported_not_only_the_first() -> None:
    doc = document()
    doc["indicators"][0]["comparator"] = "≈"
    doc["indicators"][1]["stage"] = "shipping"
    error = error_for(doc)
    locations = [problem.location for problem in error.problems]
    assert "broken.yaml: indicators[0].comparator" in locations
    assert "broken.yaml: indicators[1].stage" in locations


def test_error_from_a_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "my-scheme.yaml"
    doc = document()
    doc["kind"] = "service"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    assert caught.value.problems[0].location == "my-scheme.yaml: kind"


def test_duplicate_yaml_key_is_rejected() -> None:
    with pytest.raises(SchemeError) as caught:
        load_scheme(VALID + "kind: product\n")
    assert "duplicate key 'kind'" in str(caught.value)


def test_yaml_syntax_error_names_line_and_column() -> None:
    with pytest.raises(SchemeError) as caught:
        load_scheme("scheme: [unclosed\nversion: 1\n")
    assert "<text>: line" in str(caught.value) and "YAML syntax error" in str(caught.value)


def test_unreadable_file_is_a_scheme_error(tmp_path: Path) -> None:
    with pytest.raises(SchemeError) as caught:
        load_scheme(tmp_path / "absent.yaml")
    assert "cannot read scheme file" in str(caught.value)


def test_unquoted_yaml_date_stays_text_and_loads() -> None:
    scheme = load_scheme(VALID.replace('"2018-07-01"', "2018-07-01"))
    assert str(scheme.effective_from) == "2018-07-01"


def test_content_hash_ignores_yaml_comments_and_layout() -> None:
    assert load_scheme(VALID).content_hash == load_scheme("# comment\n" + VALID).content_hash
