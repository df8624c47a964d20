"""Evaluation schemes in the catalog, the API, the console command and the scheme pages."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from greencert.catalog.models import EvaluationScheme
from greencert.evaluation import example_submission, load_shipped_schemes

pytestmark = pytest.mark.django_db

HOMESTAY_ITEMS = [
    "reception",
    "guest_rooms",
    "catering",
    "hygiene",
    "guest_safety",
    "local_experience",
    "information_complaints",
    "compliance",
    "staff_training",
    "safety_management",
    "environment_energy",
    "facilities_upkeep",
    "community",
    "improvement",
]


def evaluate_api(client, scheme, submission, **extra):
    body = {"scheme": scheme, "submission": submission, **extra}
    return client.post("/api/v1/evaluations", json.dumps(body), content_type="application/json")


def test_every_shipped_scheme_version_is_listed_under_its_category():
    listed = {(s.scheme_id, s.version): s.category.code for s in EvaluationScheme.objects.all()}
    assert listed[("cgp-coatings", "2017")] == "coatings"
    assert listed[("cgp-paper", "2024")] == "paper"
    assert listed[("rb-rural-homestay", "2022")] == "rural-homestays"
    assert listed[("gdc-national-green", "2025")] == "data-centres"
    assert len(listed) == len(load_shipped_schemes().all())


@pytest.mark.parametrize(("day", "version"), [("2025-03-31", "2017"), ("2025-04-01", "2024")])
def test_the_version_in_force_depends_on_the_date(client, day, version):
    schemes = {s["id"]: s for s in client.get("/api/v1/schemes", {"on": day}).json()}
    assert schemes["cgp-paper"]["in_force_version"] == version
    assert [v["version"] for v in schemes["cgp-paper"]["versions"]] == ["2017", "2024"]


def test_a_scheme_is_published_with_its_criteria(client):
    body = client.get("/api/v1/schemes/cgp-coatings").json()
    assert body["standard"] == "GB/T 35602-2017"
    assert {i["attribute"] for i in body["document"]["indicators"]} >= {"resource", "environment"}
    assert client.get("/api/v1/schemes/no-such-scheme").status_code in {400, 404}


def test_a_passing_submission_is_judged_pass_with_a_fingerprint(client):
    scheme = load_shipped_schemes().get("cgp-coatings")
    response = evaluate_api(client, "cgp-coatings", example_submission(scheme))
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "pass"
    assert body["fingerprint"].startswith("sha256:")
    assert all(item["explanation"]["zh"] and item["explanation"]["en"] for item in body["items"])


def test_an_empty_submission_is_incomplete_never_fail(client):
    assert evaluate_api(client, "rb-rural-homestay", {}).json()["verdict"] == "incomplete"


def test_a_homestay_with_low_scores_fails_and_one_with_full_scores_gets_five_diamonds(client):
    low = {
        "baseline": {"licences_complete": True, "no_major_incident_3y": True},
        "values": dict.fromkeys(HOMESTAY_ITEMS, "1"),
    }
    assert evaluate_api(client, "rb-rural-homestay", low).json()["verdict"] == "fail"
    full = example_submission(load_shipped_schemes().get("rb-rural-homestay"))
    body = evaluate_api(client, "rb-rural-homestay@2022", full).json()
    assert (body["verdict"], body["grade"]["id"]) == ("pass", "diamond-5")


def test_a_value_in_the_wrong_unit_is_refused_naming_the_field_in_both_languages(client):
    submission = {
        "certification_unit": "exterior_wall",
        "values": {"voc_content_exterior": {"value": "90", "unit": "kg"}},
    }
    response = evaluate_api(client, "cgp-coatings", submission)
    assert response.status_code == 400
    error = response.json()["error"]
    assert "voc_content_exterior" in error["field"]
    assert "voc_content_exterior" in error["message_en"] and error["message_zh"]


def test_an_unknown_scheme_is_refused_naming_it(client):
    response = evaluate_api(client, "cgp-rockets", {})
    assert response.status_code == 400
    assert response.json()["error"]["value"] == "cgp-rockets"


@pytest.mark.parametrize(
    ("submission", "exit_code"),
    [("passing", 0), ("failing", 1), ("empty", 2), ("broken", 3)],
)
def test_the_console_command_exits_with_the_verdicts_code(tmp_path, submission, exit_code):
    scheme = load_shipped_schemes().get("rb-rural-homestay")
    documents = {
        "passing": example_submission(scheme),
        "failing": {"baseline": {"licences_complete": False}, "values": {}},
        "empty": {},
    }
    path = tmp_path / "submission.json"
    path.write_text("{not json" if submission == "broken" else json.dumps(documents[submission]))
    out = io.StringIO()
    try:
        call_command(
            "evaluate",
            "--scheme",
            "rb-rural-homestay",
            "--input",
            str(path),
            "--json",
            stdout=out,
            stderr=io.StringIO(),
        )
        code = 0
    except SystemExit as stop:
        code = int(stop.code or 0)
    assert code == exit_code
    if submission != "broken":
        assert json.loads(out.getvalue())["verdict"] in {"pass", "fail", "incomplete"}


def test_the_scheme_page_lists_criteria_and_versions(client):
    page = client.get("/schemes/cgp-paper/?lang=en").content.decode()
    assert "Indicators" in page and "2017" in page and "2024" in page


def test_the_scheme_page_evaluates_a_form_and_explains_the_result(client):
    form = {"baseline__licences_complete": "yes", "baseline__no_major_incident_3y": "yes"}
    form |= {f"value__{item}": "9" for item in HOMESTAY_ITEMS}
    page = client.post("/schemes/rb-rural-homestay/?lang=en", form).content.decode()
    assert "Result" in page and "fail" in page
    assert 'class="bars"' in page
    assert "sha256:" in page


def test_the_scheme_page_shows_input_errors_without_evaluating(client):
    page = client.post(
        "/schemes/cgp-coatings/", {"value__voc_content_exterior": "abc"}
    ).content.decode()
    assert 'role="alert"' in page
    assert "voc_content_exterior" in page
    assert "sha256:" not in page
