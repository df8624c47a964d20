import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from greencert.evaluation import example_submission
from greencert.evaluation.cli import main

from .conftest import with_values


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def paper(registry):
    return registry.get("cgp-paper", "2024")


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "submission.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_passing_submission_exits_0(tmp_path, paper) -> None:
    code, out, _ = run(
        "evaluate",
        "--scheme",
        "cgp-paper@2024",
        "--input",
        write(tmp_path, example_submission(paper)),
    )
    assert code == 0 and "结论: 通过" in out


def test_failing_submission_exits_1(tmp_path, paper) -> None:
    data = with_values(example_submission(paper), cod_discharge={"value": "9", "unit": "kg/t"})
    code, out, _ = run(
        "evaluate", "--scheme", "cgp-paper@2024", "--input", write(tmp_path, data), "--lang", "en"
    )
    assert (
        code == 1
        and "Verdict: fail" in out
        and "COD discharge per tonne of product: measured 9 kg/t" in out
    )


def test_incomplete_submission_exits_2(tmp_path, paper) -> None:
    data = with_values(example_submission(paper), cod_discharge=None)
    assert run("evaluate", "--scheme", "cgp-paper@2024", "--input", write(tmp_path, data))[0] == 2


def test_unknown_scheme_exits_3(tmp_path, paper) -> None:
    code, _, err = run(
        "evaluate", "--scheme", "cgp-nothing", "--input", write(tmp_path, {}), "--lang", "en"
    )
    assert code == 3 and "cgp-nothing" in err


def test_invalid_json_exits_3(tmp_path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    code, _, err = run(
        "evaluate", "--scheme", "cgp-paper@2024", "--input", str(path), "--lang", "en"
    )
    assert code == 3 and "cannot read submission" in err


def test_missing_input_file_exits_3(tmp_path) -> None:
    assert (
        run("evaluate", "--scheme", "cgp-paper@2024", "--input", str(tmp_path / "absent.json"))[0]
        == 3
    )


def test_unit_error_exits_3_with_the_field_named(tmp_path, paper) -> None:
    data = with_values(example_submission(paper), cod_discharge={"value": "1", "unit": "mg/m³"})
    code, _, err = run(
        "evaluate", "--scheme", "cgp-paper@2024", "--input", write(tmp_path, data), "--lang", "zh"
    )
    assert code == 3 and "values.cod_discharge.unit" in err and "不能换算" in err


def test_english_table_shows_baseline_answers_in_english(tmp_path, paper) -> None:
    data = example_submission(paper)
    data["baseline"]["legal_fibre_sources"] = False
    code, out, _ = run(
        "evaluate", "--scheme", "cgp-paper@2024", "--input", write(tmp_path, data), "--lang", "en"
    )
    row = next(
        line for line in out.splitlines() if line.startswith("Wood fibre comes from legal sources")
    )
    assert code == 1 and " no " in row and "否" not in out


def test_bad_arguments_exit_3() -> None:
    assert run("evaluate", "--scheme")[0] == 3


def test_json_output_is_the_evaluation_dict(tmp_path, paper) -> None:
    code, out, _ = run(
        "evaluate",
        "--scheme",
        "cgp-paper@2024",
        "--input",
        write(tmp_path, example_submission(paper)),
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and data["verdict"] == "pass" and data["fingerprint"].startswith("sha256:")


def test_json_decimals_are_read_exactly(tmp_path, paper) -> None:
    path = tmp_path / "s.json"
    text = json.dumps(
        with_values(example_submission(paper), aox_discharge={"value": 0.06, "unit": "kg/t"})
    )
    path.write_text(text, encoding="utf-8")
    code, out, _ = run("evaluate", "--scheme", "cgp-paper@2024", "--input", str(path), "--json")
    item = next(i for i in json.loads(out)["items"] if i["id"] == "aox_discharge")
    assert code == 0 and item["measured"] == "0.06"


def test_version_in_force_on_a_date_is_used(tmp_path, paper) -> None:
    data = example_submission(paper)
    code, _, err = run(
        "evaluate",
        "--scheme",
        "cgp-paper",
        "--on",
        "2024-01-01",
        "--input",
        write(tmp_path, data),
        "--lang",
        "en",
    )
    assert (
        code == 3 and "values.carbon_footprint" in err
    )  # the 2017 version has no low-carbon attribute


def test_list_prints_every_scheme(registry) -> None:
    code, out, _ = run("list")
    assert code == 0 and all(scheme.key in out for scheme in registry)


def test_module_entry_point_runs(tmp_path, paper) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "greencert.evaluation",
            "evaluate",
            "--scheme",
            "cgp-paper@2024",
            "--input",
            write(tmp_path, example_submission(paper)),
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Verdict: pass" in completed.stdout
