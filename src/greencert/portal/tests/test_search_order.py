"""A procurement officer's search: how many match, in which order, exact matches first, grades
by name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from greencert.core.errors import ValidationFailed
from greencert.core.query import read_query
from greencert.core.tests.fixtures import region
from greencert.parties.factory import EnterpriseFactory
from greencert.portal.filters import SearchFilters
from greencert.portal.grades import find_grade, grade_words, scheme_grades
from greencert.portal.search import Search, SearchPages

pytestmark = pytest.mark.django_db


def filters(**given: Any) -> SearchFilters:
    return SearchFilters(**given)


def search(cursor: str | None = None, limit: int = 20, **given) -> dict:
    paging = SearchPages.Input(cursor=cursor, limit=limit)
    return SearchPages().paginate_queryset(Search(filters(**given)), paging)


def keys(**params) -> list[str]:
    return [hit["key"] for hit in search(**params)["items"]]


def every_key(**params) -> list[str]:
    """Every result, page after page."""
    seen: list[str] = []
    cursor = None
    while True:
        page = search(cursor=cursor, **params)
        seen += [hit["key"] for hit in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return seen


@pytest.fixture
def paint_maker():
    return EnterpriseFactory.create(
        name="湖州绿涂涂料有限公司", region=region("330500"), credit_code="91330500MA2ABC0011"
    )


@pytest.fixture
def dated(issue, paint_maker):
    """Three certificates of one holder issued in 2023, 2021 and 2024 (in that order)."""
    return [
        issue(holder=paint_maker, issue_date=dt.date(year, 3, 1)) for year in (2023, 2021, 2024)
    ]


def test_the_enterprise_named_exactly_comes_before_its_certificates(dated, paint_maker):
    found = keys(q="湖州绿涂涂料有限公司")
    assert found[0] == paint_maker.credit_code
    assert set(found[1:]) == {c.number for c in dated}


def test_a_credit_code_typed_in_full_puts_its_enterprise_first(dated, paint_maker):
    assert keys(q=paint_maker.credit_code.lower())[0] == paint_maker.credit_code


def test_the_exact_match_is_not_repeated_on_later_pages(dated, paint_maker):
    found = every_key(q="湖州绿涂涂料有限公司", limit=1)
    assert found[0] == paint_maker.credit_code
    assert sorted(found) == sorted([paint_maker.credit_code, *(c.number for c in dated)])


def test_a_partial_name_keeps_newest_first(dated, paint_maker):
    found = keys(q="绿涂", kind="certificate")
    assert found == [c.number for c in sorted(dated, key=lambda c: c.pk, reverse=True)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("issued", [2, 0, 1]),  # newest issue date first
        ("expiry", [1, 0, 2]),  # soonest expiry first
    ],
)
def test_results_read_in_date_order_across_pages(dated, sort, expected):
    found = every_key(q="绿涂", kind="certificate", sort=sort, limit=2)
    assert found == [dated[i].number for i in expected]


def test_holder_order_puts_names_in_order(issue, dated):
    other = EnterpriseFactory.create(name="安吉涂料厂", region=region("330500"))
    first = issue(holder=other)
    found = keys(q="涂料", kind="certificate", sort="holder")
    # 安吉涂料厂 sorts before 湖州绿涂涂料有限公司, though its certificate is the newest but one.
    assert found[0] == first.number and len(found) == 4


def test_an_unknown_order_is_refused_naming_it():
    with pytest.raises(ValidationFailed) as refused:
        Search(read_query(SearchFilters, {"q": "涂料", "sort": "price"}))
    assert refused.value.field == "sort"
    assert "price" in refused.value.message_en and "relevance" in refused.value.message_en


def test_the_count_is_exact_up_to_the_cap_and_a_floor_beyond(dated, monkeypatch):
    assert Search(filters(q="绿涂", kind="certificate")).count() == (3, True)
    assert Search(filters(q="绿涂")).count() == (4, True)
    monkeypatch.setattr("greencert.portal.search.COUNT_CAP", 2)
    assert Search(filters(q="绿涂", kind="certificate")).count() == (2, False)
    assert Search(filters(q=dated[0].number)).count() == (1, True)
    assert Search(filters(q="不存在的词")).count() == (0, True)


def test_grades_come_from_the_schemes_in_words():
    grades = {g.id: g for g in scheme_grades()}
    assert grades["diamond-5"].name_zh == "五钻"
    assert grades["grade-1"].name_en == "Grade 1"
    assert find_grade("五钻") == grades["diamond-5"]
    assert grade_words("diamond-5", "zh-hans") == "五钻"
    assert grade_words("diamond-5", "en") == "Five diamonds"
    assert grade_words("特级", "en") == "特级"


def test_a_grade_matches_its_id_and_its_words(issue):
    by_id = issue(grade="diamond-5")
    by_words = issue(grade="五钻")
    issue(grade="四钻")
    expected = sorted([by_id.number, by_words.number])
    assert sorted(keys(grade="diamond-5")) == expected
    assert sorted(keys(grade="五钻")) == expected


def test_the_page_counts_sorts_and_offers_grades_in_words(client, dated):
    page = client.get("/search?q=绿涂&kind=certificate&sort=issued&lang=zh-hans").content.decode()
    assert 'id="result-count"' in page and "共 3 条" in page
    assert '<option value="issued" selected>' in page
    assert '<option value="diamond-5">五钻</option>' in page
    assert page.index(dated[2].number) < page.index(dated[0].number) < page.index(dated[1].number)
    english = client.get("/search?q=绿涂&kind=certificate&lang=en").content.decode()
    assert "3 results" in english and "Five diamonds" in english


def test_the_page_says_more_than_beyond_the_cap(client, dated, monkeypatch):
    monkeypatch.setattr("greencert.portal.search.COUNT_CAP", 2)
    page = client.get("/search?q=绿涂&kind=certificate&lang=zh-hans").content.decode()
    assert "超过 2 条" in page


def test_the_api_takes_the_order(client, dated):
    answer = client.get("/api/v1/search", {"q": "绿涂", "kind": "certificate", "sort": "expiry"})
    assert answer.status_code == 200
    assert [hit["key"] for hit in answer.json()["items"]] == [dated[i].number for i in (1, 0, 2)]
