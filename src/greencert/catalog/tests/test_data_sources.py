"""Every fact marked confirmed names its source, in every data file of the repository; the
catalog reads a missing flag as unconfirmed and shows unconfirmed facts as such."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import greencert
from greencert.catalog.loader import is_confirmed, read_catalog, units_of

PACKAGE = Path(greencert.__file__).parent
DATA_FILES = sorted(
    {
        *PACKAGE.glob("*/data/**/*.yaml"),
        *PACKAGE.glob("evaluation/schemes/*.yaml"),
        PACKAGE / "evaluation" / "units.yaml",
    }
)
PLAN = "长三角绿色认证一体化发展实施方案"


def confirmed_without_source(node: object, path: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("confirmed") is True and not str(node.get("source") or "").strip():
            yield path or "(top)"
        for key, value in node.items():
            yield from confirmed_without_source(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from confirmed_without_source(value, f"{path}[{index}]")


def test_the_data_files_are_found() -> None:
    names = {path.name for path in DATA_FILES}
    assert {"catalog.yaml", "units.yaml", "cgp-furniture-2024.yaml"} <= names


@pytest.mark.parametrize("path", DATA_FILES, ids=[str(p.relative_to(PACKAGE)) for p in DATA_FILES])
def test_every_confirmed_entry_names_its_source(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(confirmed_without_source(document)) == []


def test_the_check_catches_a_confirmed_entry_without_a_source() -> None:
    document = {"rows": [{"value": 1, "confirmed": True}, {"confirmed": True, "source": "GB 1"}]}
    assert list(confirmed_without_source(document)) == [".rows[0]"]


def test_a_catalog_entry_without_a_flag_reads_as_unconfirmed() -> None:
    assert not is_confirmed({"code": "x"})
    assert units_of({"units": ["a", "b"]}) == (["a", "b"], False)
    assert units_of({"units": {"names": ["a"], "confirmed": True, "source": "s"}}) == (["a"], True)


def test_green_services_are_not_a_channel_of_the_product_mark() -> None:
    catalog = read_catalog()
    assert all(c.get("activity") is None for c in catalog["categories"] if c["kind"] == "service")
    third = next(a for a in catalog["mark_activities"] if a["activity"] == 3)
    assert "自我声明" in third["name_zh"] and "2019年第20号" in third["source"]


PILOT_FIELDS = {
    "batteries": "蓄电池",
    "bamboo-products": "竹制品",
    "new-energy-vehicles": "新能源汽车",
    "textiles": "纺织产品",
    "healthy-home": "健康家居",
    "wires-cables": "电线电缆",
    "green-packaging": "绿色包装",
    "green-building-materials": "绿色建材产品分级认证",
    "pollution-control": "污染治理服务",
    "cultural-leisure": "文化休闲服务",
    "tourism": "旅游服务",
    "elderly-care": "养老服务",
}


def test_the_pilot_zone_lists_the_fields_the_plan_names() -> None:
    catalog = read_catalog()
    pilot = {entry["code"]: entry for entry in catalog["pilot_categories"]}
    names = {c["code"]: c["name_zh"] for c in catalog["categories"]}
    assert {code: names[code] for code in PILOT_FIELDS} == PILOT_FIELDS
    assert set(PILOT_FIELDS) <= set(pilot)
    for code in PILOT_FIELDS:
        if pilot[code].get("confirmed"):
            assert PLAN in pilot[code]["source"]


def test_a_pilot_field_without_a_published_standard_is_unconfirmed_or_says_so() -> None:
    for category in read_catalog()["categories"]:
        if category["code"] in PILOT_FIELDS and not category.get("standards"):
            assert category.get("note") or not category.get("confirmed")


@pytest.mark.django_db
def test_the_catalog_page_shows_the_pilot_categories_and_unconfirmed_notes(client) -> None:
    page = client.get("/catalog/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    pilot = page[
        page.index('id="pilot-zone"') : page.index("</section>", page.index('id="pilot-zone"'))
    ]
    for name in (
        "蓄电池",
        "竹制品",
        "新能源汽车",
        "健康家居",
        "电线电缆",
        "绿色包装",
        "文化休闲服务",
    ):
        assert name in pilot
    # What no official text confirms is said in the category's details, not as a badge.
    bamboo = page[page.index('id="category-bamboo-products"') :]
    assert "官方文本尚未确认：认证单元" in bamboo[: bamboo.index("</tr>")]


@pytest.mark.django_db
def test_the_categories_api_filters_the_pilot_zone(client) -> None:
    rows = client.get("/api/v1/categories", {"pilot_zone": "true"}).json()
    codes = {row["code"] for row in rows}
    assert set(PILOT_FIELDS) <= codes
    assert all(row["pilot_zone"] for row in rows)
