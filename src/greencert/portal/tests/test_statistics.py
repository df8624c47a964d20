"""Statistics from the event log: the tallies agree with a full recount on any date."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from greencert.certification.actions import (
    cancel_certificate,
    expire_due_certificates,
    restore_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.seed import seed
from greencert.core.errors import PermissionRefused, ValidationFailed
from greencert.core.tests.fixtures import LONG_AGO, in_days, region
from greencert.parties.models import Role
from greencert.portal.models import RegistryTally, Target
from greencert.portal.statistics import dashboard
from greencert.portal.tallies import counts_on, rebuild_tallies, recount
from greencert.portal.targets import add_target

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(issue, body_staff):
    """Certificates issued on different days, some suspended, restored, revoked, expired."""
    a = issue(issue_date=dt.date(2024, 3, 5))
    b = issue(issue_date=dt.date(2024, 3, 20), site="320500")
    c = issue(issue_date=dt.date(2025, 1, 9), site="310118")
    old = issue(issue_date=LONG_AGO)
    suspend_certificate(body_staff, a, reason_code="S01", until=in_days(30))
    restore_certificate(body_staff, a, reason_code="T01")
    revoke_certificate(body_staff, b, reason_code="R02")
    cancel_certificate(body_staff, c, reason_code="C04")
    expire_due_certificates()
    issue()
    return [a, b, c, old]


def test_counts_today_agree_with_the_registry_rows(history):
    from greencert.certification.models import Certificate

    cells = counts_on(timezone.localdate()).nonzero()
    by_status: dict[str, int] = {}
    for (_city, _category, _pilot, status), n in cells.items():
        by_status[status] = by_status.get(status, 0) + n
    rows: dict[str, int] = {}
    for status in Certificate.objects.values_list("status", flat=True):
        rows[status] = rows.get(status, 0) + 1
    assert by_status == rows


@pytest.mark.parametrize(
    "day", ["2019-01-10", "2024-03-04", "2024-03-05", "2024-03-31", "2024-12-31", "2025-01-09"]
)
def test_counts_on_any_past_date_match_a_full_recount_of_the_event_log(history, day):
    day = dt.date.fromisoformat(day)
    assert counts_on(day).nonzero() == recount(day).nonzero()
    assert counts_on(day).issued_by_month == recount(day).issued_by_month


def test_a_rebuild_from_the_log_gives_the_same_tallies_as_the_projection(history):
    today = timezone.localdate()
    before = counts_on(today)
    rows = set(RegistryTally.objects.exclude(delta=0, issued=0).values_list(
        "period", "day", "city_code", "category_code", "in_pilot_zone", "status", "delta", "issued"
    ))  # fmt: skip
    rebuild_tallies()
    after = set(RegistryTally.objects.exclude(delta=0, issued=0).values_list(
        "period", "day", "city_code", "category_code", "in_pilot_zone", "status", "delta", "issued"
    ))  # fmt: skip
    assert rows == after
    assert counts_on(today).nonzero() == before.nonzero()


def test_the_seed_rebuilds_tallies_that_match_a_recount():
    seed(300, 7, dt.date(2026, 11, 1))
    for day in (dt.date(2021, 6, 30), dt.date(2024, 2, 29), dt.date(2026, 11, 1)):
        assert counts_on(day).nonzero() == recount(day).nonzero()
        assert counts_on(day).issued_by_month == recount(day).issued_by_month


def test_the_dashboard_shows_valid_certificates_by_place_category_zone_and_month(history):
    charts = {c.name: c for c in dashboard(dt.date(2024, 3, 31), "zh-hans")}
    # On 2024-03-31 a (湖州, suspended then restored later) and b (苏州) were both valid.
    assert ["330000", "浙江省", 1] in charts["provinces"].rows
    assert ["320000", "江苏省", 1] in charts["provinces"].rows
    assert {row[0] for row in charts["cities"].rows} == {"330500", "320500"}
    assert charts["categories"].rows == [["coatings", "涂料", 2]]
    assert charts["monthly"].rows == [["2019-01", 1], ["2024-03", 2]]
    statuses = {row[0]: row[2] for row in charts["statuses"].rows}
    assert statuses["01"] == 2
    assert statuses["05"] == 1  # the 2019 certificate had expired by then
    assert charts["pilot"].rows == [["先行区", 2], ["长三角其他地区", 0]]
    # 2024-03-31 ends March: the month is whole.
    assert not charts["monthly"].partial_last and charts["monthly"].note == ""


def test_a_month_under_way_is_drawn_apart_and_said_to_be_counted_to_the_day(history):
    from django.utils import translation

    with translation.override("zh-hans"):
        monthly = {c.name: c for c in dashboard(dt.date(2024, 3, 20), "zh-hans")}["monthly"]
    assert monthly.rows[-1] == ["2024-03", 2]
    assert monthly.partial_last and monthly.as_dict()["partial_last"] is True
    assert "2024-03" in monthly.note and "2024-03-20" in monthly.note


def test_each_chart_downloads_as_csv_of_its_table(client, history):
    response = client.get("/statistics/categories.csv", {"as_of": timezone.localdate().isoformat()})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["类别代码", "认证类别", "有效证书"]
    assert rows[1][0] == "coatings"


def test_the_dashboard_page_embeds_every_chart_with_a_table_view(client, history):
    response = client.get("/statistics/")
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("provinces", "cities", "categories", "monthly", "statuses", "pilot", "targets"):
        assert f'id="chart-{name}"' in html
        assert f"/statistics/{name}.csv" in html
    assert html.count('<details class="chart-table"') == 7
    assert "portal/vendor/echarts.min.js" in html


def test_an_as_of_date_in_the_future_is_refused_in_both_languages(client):
    response = client.get("/statistics/", {"as_of": "2999-01-01"})
    assert response.status_code == 400
    assert "as_of" in response.content.decode() and "2999-01-01" in response.content.decode()
    english = client.get("/statistics/", {"as_of": "not-a-date", "lang": "en"})
    assert english.status_code == 400
    assert "as YYYY-MM-DD" in english.content.decode()


def test_the_jiangsu_2025_targets_are_seeded_and_set_against_actual_figures(issued_certificate):
    assert Target.objects.filter(region_id="320000", year=2025).count() == 8
    charts = {c.name: c for c in dashboard(timezone.localdate(), "en")}
    ems = [
        r for r in charts["targets"].rows if r[1] == "Environmental management system certificates"
    ]
    assert ems[0][5] == "" and ems[0][6] == "not recorded in this registry"


def test_the_jiangsu_service_certification_target_has_no_actual_figure_in_this_registry(
    issue, body_staff
):
    """各类服务认证有效证书 1万张 counts all service certification in Jiangsu: the registry's own
    green service certificates are no measure of it, so it shows neither a figure nor 0 %."""
    charts = {c.name: c for c in dashboard(timezone.localdate(), "en")}
    service = next(
        r for r in charts["targets"].rows if r[1] == "Valid service certification certificates"
    )
    assert service[4] == 10000
    assert service[5] == ""
    assert "%" not in service[6] and "every kind of service certification" in service[6]
    chinese = {c.name: c for c in dashboard(timezone.localdate(), "zh-hans")}
    row = next(r for r in chinese["targets"].rows if r[1] == "有效服务认证证书")
    assert row[5] == "" and "本平台只登记绿色服务认证证书" in row[6]


def test_the_statistics_page_shows_the_service_target_without_a_percentage(client):
    page = client.get("/statistics/", {"lang": "en"}).content.decode()
    row = next(line for line in page.split("<tr>") if "Valid service certification" in line)
    assert "every kind of service certification in Jiangsu" in row
    assert "0%" not in row and "<td>0</td>" not in row


def test_targets_without_any_actual_figure_are_a_table_not_an_empty_chart(client):
    page = client.get("/statistics/", {"lang": "en"}).content.decode()
    card = page[page.index('id="chart-targets"') :]
    card = card[: card.index("</section>")]
    assert 'data-chart="targets"' not in card
    assert "no actual figure for any of these targets" in card
    assert '<details class="chart-table" open>' in card


def test_a_target_with_an_actual_figure_is_drawn(client, make_actor, issued_certificate):
    regulator = make_actor("zj", Role.REGULATOR, region=region("330000"))
    add_target(regulator, region_code="330500", indicator="valid-certificates", year=2027, value=4)
    page = client.get("/statistics/", {"lang": "en"}).content.decode()
    card = page[page.index('id="chart-targets"') :]
    assert 'data-chart="targets"' in card[: card.index("</section>")]


def test_a_regulator_adds_a_target_for_a_city_and_the_actual_is_counted(
    make_actor, issued_certificate
):
    regulator = make_actor("zj", Role.REGULATOR, region=region("330000"))
    add_target(regulator, region_code="330500", indicator="valid-certificates", year=2027, value=4)
    charts = {c.name: c for c in dashboard(timezone.localdate(), "zh-hans")}
    row = next(r for r in charts["targets"].rows if r[0] == "湖州市")
    assert row[4:] == [4, 1, "25%"]


def test_only_regulators_add_targets(plain_user):
    with pytest.raises(PermissionRefused):
        add_target(
            plain_user, region_code="320000", indicator="valid-certificates", year=2027, value=1
        )


def test_a_target_for_an_unknown_indicator_names_it(make_actor):
    regulator = make_actor("js", Role.REGULATOR, region=region("320000"))
    with pytest.raises(ValidationFailed) as refused:
        add_target(regulator, region_code="320000", indicator="trees", year=2027, value=1)
    assert refused.value.field == "indicator" and "trees" in refused.value.message_zh
