"""The GB/T 2260 region data of the Yangtze River Delta and the zone flags."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from greencert.regions.loader import read_regions
from greencert.regions.models import Region

PILOT_ZONE = {"310118", "310114", "320500", "320200", "330500", "330400", "341800", "341000"}
DEMONSTRATION_ZONE = {"310118", "320509", "330421"}


@pytest.fixture(scope="module")
def rows():
    return {row["code"]: row for row in read_regions()}


def test_shanghai_and_its_sixteen_districts_are_present(rows):
    assert rows["310000"]["name_zh"] == "上海市"
    assert rows["310000"]["level"] == "province"
    districts = [r for r in rows.values() if r["parent_id"] == "310000"]
    assert len(districts) == 16
    assert {r["level"] for r in districts} == {"district"}
    assert {r["city_code"] for r in districts} == {"310000"}


@pytest.mark.parametrize(("province", "cities"), [("320000", 13), ("330000", 11), ("340000", 16)])
def test_each_province_has_all_its_prefecture_level_cities(rows, province, cities):
    found = [r for r in rows.values() if r["level"] == "city" and r["parent_id"] == province]
    assert len(found) == cities


def test_the_delta_has_forty_one_city_level_units(rows):
    cities = {r["code"] for r in rows.values() if r["level"] == "city"} | {"310000"}
    assert len(cities) == 41
    assert {r["city_code"] for r in rows.values() if r["level"] != "province"} | {
        "310000"
    } == cities


def test_every_region_has_a_parent_in_its_own_province(rows):
    for row in rows.values():
        if row["level"] == "province":
            assert row["parent_id"] is None
        else:
            assert row["parent_id"] in rows
            assert row["province_code"] == row["code"][:2] + "0000"


def test_the_pilot_zone_is_exactly_the_eight_named_places_and_the_counties_under_them(rows):
    flagged = {code for code, r in rows.items() if r["pilot_zone"]}
    assert flagged >= PILOT_ZONE
    for code in flagged - PILOT_ZONE:
        assert rows[code]["parent_id"] in PILOT_ZONE, rows[code]["name_zh"]
    for row in rows.values():
        if row["parent_id"] in PILOT_ZONE and row["level"] in {"district", "county"}:
            assert row["pilot_zone"], row["name_zh"]


def test_the_pilot_zone_names_are_the_published_ones(rows):
    names = {rows[c]["name_zh"] for c in PILOT_ZONE}
    assert names == {"青浦区", "嘉定区", "苏州市", "无锡市", "湖州市", "嘉兴市", "宣城市", "黄山市"}


def test_the_demonstration_zone_is_qingpu_wujiang_and_jiashan(rows):
    flagged = {code for code, r in rows.items() if r["demonstration_zone"]}
    assert flagged == DEMONSTRATION_ZONE
    assert {rows[c]["name_zh"] for c in flagged} == {"青浦区", "吴江区", "嘉善县"}


def test_every_demonstration_zone_place_is_also_in_the_pilot_zone(rows):
    assert all(rows[c]["pilot_zone"] for c in DEMONSTRATION_ZONE)


def test_codes_are_unique_six_digit_codes(rows):
    codes = [r["code"] for r in read_regions()]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert Counter(codes).most_common(1)[0][1] == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("32050X,错误区,Bad,district,320500,0,0", "6-digit"),
        ("320599,错误区,Bad,township,320500,0,0", "level"),
        ("320599,错误区,Bad,district,329900,0,0", "parent"),
    ],
)
def test_a_broken_region_file_is_refused_naming_the_line(tmp_path: Path, line, message):
    path = tmp_path / "regions.csv"
    path.write_text(
        "code,name_zh,name_en,level,parent,pilot_zone,demonstration_zone\n"
        "320000,江苏省,Jiangsu,province,,0,0\n"
        "320500,苏州市,Suzhou,city,320000,1,0\n" + line + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=message) as caught:
        read_regions(path)
    assert ":4:" in str(caught.value)


@pytest.mark.django_db
def test_the_migrated_region_table_matches_the_data_file(rows):
    table = {r.code: r for r in Region.objects.all()}
    assert set(table) == set(rows)
    for code, row in rows.items():
        assert table[code].pilot_zone == row["pilot_zone"]
        assert table[code].demonstration_zone == row["demonstration_zone"]
        assert table[code].city_code == row["city_code"]
