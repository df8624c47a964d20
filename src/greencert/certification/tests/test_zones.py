"""先行区 (pilot zone) and 示范区 (demonstration zone) membership of a certificate's site."""

from __future__ import annotations

import pytest

from greencert.certification.actions import in_zone
from greencert.core.tests.fixtures import region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("site", "pilot", "demonstration", "city"),
    [
        ("320509", True, True, "320500"),  # 吴江区, under 苏州市
        ("320500", True, False, "320500"),  # 苏州市
        ("330500", True, False, "330500"),  # 湖州市
        ("330521", True, False, "330500"),  # 德清县, under 湖州市
        ("330421", True, True, "330400"),  # 嘉善县, under 嘉兴市
        ("310118", True, True, "310000"),  # 青浦区
        ("310114", True, False, "310000"),  # 嘉定区
        ("310115", False, False, "310000"),  # 浦东新区
        ("320100", False, False, "320100"),  # 南京市
        ("341800", True, False, "341800"),  # 宣城市
        ("340100", False, False, "340100"),  # 合肥市
    ],
)
def test_an_issued_certificate_records_the_zones_and_city_of_its_site(
    issue, site, pilot, demonstration, city
):
    certificate = issue(site=site)
    assert certificate.in_pilot_zone is pilot
    assert certificate.in_demonstration_zone is demonstration
    assert certificate.city_code == city
    assert certificate.province_code == site[:2] + "0000"


def test_a_district_counts_as_pilot_zone_through_its_city_even_without_its_own_flag():
    wujiang = region("320509")
    wujiang.pilot_zone = False  # in memory only: the city above (苏州) carries the flag
    assert in_zone(wujiang, "pilot_zone")
    assert not in_zone(region("320100"), "pilot_zone")


def test_a_shanghai_district_does_not_inherit_from_the_municipality():
    # Shanghai is province-level: only 青浦 and 嘉定 are in the pilot zone, not every district.
    assert not in_zone(region("310101"), "pilot_zone")
