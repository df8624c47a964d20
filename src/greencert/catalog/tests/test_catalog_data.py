"""The unified catalog data file: categories, their GB/T 356xx standards and rule numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from greencert.catalog.loader import DATA_FILE, read_catalog, rule_of
from greencert.catalog.models import Category

FIRST_BATCH = {
    "wood-panels": "GB/T 35601",
    "coatings": "GB/T 35602",
    "sanitary-ceramics": "GB/T 35603",
    "building-glass": "GB/T 35604",
    "solar-water-heating": "GB/T 35606",
    "furniture": "GB/T 35607",
    "thermal-insulation": "GB/T 35608",
    "waterproof-sealing": "GB/T 35609",
    "ceramic-tiles": "GB/T 35610",
    "textiles": "GB/T 35611",
    "wood-plastic": "GB/T 35612",
    "paper": "GB/T 35613",
}


@pytest.fixture(scope="module")
def catalog():
    return read_catalog()


def test_the_catalog_has_thirty_five_categories_with_unique_codes(catalog):
    codes = [c["code"] for c in catalog["categories"]]
    assert len(codes) == 35
    assert len(set(codes)) == 35
    assert {"coatings", "furniture", "rural-homestays"} <= set(codes)


def test_the_first_batch_has_the_twelve_product_categories_of_2017(catalog):
    first = {
        c["code"]: c
        for c in catalog["categories"]
        if c.get("batch") == 1 and c.get("activity") == 1 and c["kind"] == "product"
    }
    assert set(first) == set(FIRST_BATCH)


@pytest.mark.parametrize(("code", "standard"), sorted(FIRST_BATCH.items()))
def test_each_first_batch_category_is_assessed_by_its_gbt_356xx_standard(catalog, code, standard):
    category = next(c for c in catalog["categories"] if c["code"] == code)
    numbers = {s.rsplit("-", 1)[0] for s in category["standards"]}
    assert numbers == {standard}
    assert f"{standard}-2017" in category["standards"]


def test_every_rule_id_reads_cnca_cgp_nn_yyyy(catalog):
    rules = [rule_of(c)[0] for c in catalog["categories"] if c.get("rule")]
    assert rules
    for rule in rules:
        assert re.fullmatch(r"CNCA-CGP-\d{2}:\d{4}", rule), rule
    assert len(set(rules)) == len(rules)


def test_first_batch_rules_are_numbered_one_to_twelve(catalog):
    rules = {c["code"]: rule_of(c)[0] for c in catalog["categories"] if c["code"] in FIRST_BATCH}
    assert sorted(int(r[9:11]) for r in rules.values()) == list(range(1, 13))


def test_superseded_standards_point_to_the_newer_version(catalog):
    by_code = {f"{s['number']}-{s['year']}": s for s in catalog["standards"]}
    assert by_code["GB/T 35601-2017"]["superseded_by"] == "GB/T 35601-2024"
    assert not by_code["GB/T 35602-2017"].get("superseded_by")


def write_broken(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _set_rule(data):
    data["categories"][1]["rule"] = "CNCA-CGP-2:2021"


def _unknown_standard(data):
    data["categories"][1]["standards"] = ["GB/T 99999-2030"]


def _bad_kind(data):
    data["categories"][0]["kind"] = "gadget"


def _missing_name(data):
    data["categories"][0]["name_zh"] = ""


def _unknown_pilot(data):
    data["pilot_categories"].append("spaceships")


def _dangling_superseded_by(data):
    data["standards"][0]["superseded_by"] = "GB/T 35601-2099"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_set_rule, "CNCA-CGP-NN:YYYY"),
        (_unknown_standard, "GB/T 99999-2030"),
        (_bad_kind, "gadget"),
        (_missing_name, "name_zh is required"),
        (_unknown_pilot, "spaceships"),
        (_dangling_superseded_by, "GB/T 35601-2099"),
    ],
)
def test_a_broken_catalog_file_is_refused_with_a_value_error(tmp_path, mutate, message):
    path = write_broken(tmp_path, mutate)
    with pytest.raises(ValueError, match=re.escape(message)):
        read_catalog(path)


def test_an_unbroken_copy_of_the_catalog_file_reads(tmp_path):
    path = write_broken(tmp_path, lambda data: None)
    assert len(read_catalog(path)["categories"]) == 35


@pytest.mark.django_db
def test_the_migrated_catalog_matches_the_data_file(catalog):
    assert Category.objects.count() == len(catalog["categories"])
    coatings = Category.objects.get(code="coatings")
    assert coatings.rule.rule_id == "CNCA-CGP-02:2021"
    assert coatings.current_standard().code == "GB/T 35602-2017"
    assert coatings.pilot_zone
    assert Category.objects.get(code="paper").current_standard().code == "GB/T 35613-2024"


def test_the_pilot_zone_products_no_national_batch_lists_carry_batch_zero(catalog):
    pilot_only = {
        c["code"] for c in catalog["categories"] if c["kind"] == "product" and c["batch"] == 0
    }
    assert pilot_only == {
        "batteries",
        "bamboo-products",
        "new-energy-vehicles",
        "healthy-home",
        "wires-cables",
        "green-packaging",
    }
    assert pilot_only <= {p["code"] for p in catalog["pilot_categories"]}


@pytest.mark.django_db
def test_the_catalog_page_names_no_batch_for_a_pilot_zone_field(client):
    page = client.get("/catalog/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    start = page.index('id="category-bamboo-products"')
    bamboo = page[start : page.index("</tr>", start)]
    heading = page[page.rindex("<h2", 0, start) : page.index("</h2>", page.rindex("<h2", 0, start))]
    assert "第 1 批" not in bamboo + heading and "先行区领域，未列入国家目录批次" in heading
