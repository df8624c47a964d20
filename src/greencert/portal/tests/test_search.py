"""The search over certificates, enterprises and bodies, and its index kept by the action layer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from greencert.certification.actions import (
    change_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.core.errors import ValidationFailed
from greencert.core.query import read_query
from greencert.core.tests.fixtures import in_days, region
from greencert.parties.factory import EnterpriseFactory
from greencert.portal.filters import SearchFilters
from greencert.portal.models import SearchDocument
from greencert.portal.search import Search, SearchPages

pytestmark = pytest.mark.django_db


def search(cursor: str | None = None, limit: int = 20, **filters) -> dict:
    """One page of results, as the page and the API read it."""
    pages = SearchPages()
    paging = SearchPages.Input(cursor=cursor, limit=limit)
    return pages.paginate_queryset(Search(SearchFilters(**filters)), paging)


def search_query(params: dict[str, str]) -> dict:
    """One page of results for a query string, read as the search page reads it."""
    filters = read_query(SearchFilters, params)
    return SearchPages().paginate_queryset(Search(filters), read_query(SearchPages.Input, params))


def keys(**params) -> list[str]:
    return [hit["key"] for hit in search(**params)["items"]]


@pytest.fixture
def suzhou_holder():
    return EnterpriseFactory.create(
        name="苏州明光照明电器有限公司", region=region("320500"), credit_code="91320500MA1XYZ0007"
    )


@pytest.fixture
def lamp(issue, suzhou_holder):
    return issue(
        holder=suzhou_holder,
        site="320500",
        products=[{"name": "LED灯具外壳涂料", "models": ["MG-7"]}],
    )


def test_issuing_a_certificate_indexes_it_in_the_same_transaction(issued_certificate):
    document = SearchDocument.objects.get(certificate=issued_certificate)
    assert document.status == "01"
    assert document.key == issued_certificate.number
    assert issued_certificate.number in keys(q="涂料", kind="certificate")


def test_an_action_that_rolls_back_leaves_the_index_as_it_was(issue):
    with pytest.raises(RuntimeError), transaction.atomic():
        issue()
        raise RuntimeError("abandoned")
    assert not SearchDocument.objects.exists()


def test_a_two_character_word_finds_the_certificate_its_holder_and_nothing_else(
    lamp, issued_certificate, suzhou_holder
):
    found = keys(q="照明")
    assert lamp.number in found
    assert suzhou_holder.credit_code in found
    assert issued_certificate.number not in found


def test_a_mixed_chinese_and_latin_query_matches(lamp, issued_certificate):
    assert keys(q="LED 灯具") == [lamp.number]
    assert keys(q="led灯具") == [lamp.number]


def test_grams_alone_do_not_match_without_the_exact_substring(lamp):
    # 明光 and 光照 are both in the holder's name, but 明光照明 also is; 光明 is not.
    assert lamp.number in keys(q="明光照明")
    assert keys(q="光明") == []


def test_a_certificate_number_matches_exactly_and_by_prefix(lamp, issued_certificate):
    assert keys(q=lamp.number) == [lamp.number]
    assert keys(q=lamp.number.lower()) == [lamp.number]
    assert keys(q=lamp.number[:8]) == [lamp.number]  # GC32… is Jiangsu; the other is GC33…


def test_a_body_number_matches_its_certificate_exactly_and_by_prefix(issue, lamp):
    certificate = issue(body_number="SH-2026-GP-0042")
    assert keys(q="SH-2026-GP-0042") == [certificate.number]
    assert keys(q="SH-2026-GP-00") == [certificate.number]  # the lamp's number is the body's next
    assert keys(q="SH-2026-GP-0043") == []


@pytest.mark.parametrize(
    "typed", ["sh-2026-gp-0042", "ＳＨ－２０２６－ＧＰ－００４２", " SH-2026-GP- 0042 "]
)
def test_a_body_number_is_read_as_people_copy_it(issue, typed):
    certificate = issue(body_number="SH-2026-GP-0042")
    assert keys(q=typed) == [certificate.number]


def test_a_body_number_two_bodies_use_finds_both_certificates(sharing_a_body_number):
    assert sorted(keys(q="SH-2026-GP-0001")) == sorted(c.number for c in sharing_a_body_number)


def test_a_prefix_finds_registry_and_body_numbers_alike_newest_first(issue):
    # A Jiangsu certificate (GC32…) whose body number looks like a Zhejiang registry number.
    older = issue(site="320500", body_number="GC3320-OLD-1")
    newer = issue()
    assert newer.number.startswith("GC3320") and older.number.startswith("GC3220")
    assert keys(q="GC3320", kind="certificate") == [newer.number, older.number]


def test_the_body_number_is_indexed_on_issue_and_by_a_rebuild(issue):
    from greencert.portal.indexing import rebuild_search_index

    certificate = issue(body_number="SH-2026-GP-0042")
    assert SearchDocument.objects.get(certificate=certificate).body_key == "SH-2026-GP-0042"
    rebuild_search_index()
    assert SearchDocument.objects.get(certificate=certificate).body_key == "SH-2026-GP-0042"
    assert keys(q="SH-2026-GP-0042") == [certificate.number]


def test_a_credit_code_matches_its_enterprise(lamp, suzhou_holder):
    assert keys(q=suzhou_holder.credit_code) == [suzhou_holder.credit_code]
    assert keys(q=suzhou_holder.credit_code[:10]) == [suzhou_holder.credit_code]


def test_a_status_change_is_reflected_at_once(issued_certificate, body_staff):
    suspend_certificate(body_staff, issued_certificate, reason_code="S01", until=in_days(30))
    assert keys(q="涂料", status="01") == []
    assert keys(q="涂料", status="02") == [issued_certificate.number]
    revoke_certificate(body_staff, issued_certificate, reason_code="R02")
    assert keys(q="涂料", status="03") == [issued_certificate.number]


def test_a_changed_product_is_found_by_its_new_name(issued_certificate, body_staff):
    change_certificate(
        body_staff,
        issued_certificate,
        reason_code="M02",
        changes={"products": [{"name": "防霉内墙漆", "models": ["FM-9"]}]},
    )
    assert keys(q="防霉") == [issued_certificate.number]


def test_filters_narrow_by_place_zone_category_body_and_issue_date(
    lamp, issued_certificate, body, furniture
):
    assert keys(q="涂料", province="320000") == [lamp.number]
    assert keys(q="涂料", city="330500", kind="certificate") == [issued_certificate.number]
    assert keys(q="涂料", pilot_zone=True, kind="certificate") == sorted(
        [lamp.number, issued_certificate.number], reverse=True
    )
    assert keys(q="涂料", category="furniture") == []
    assert set(keys(q="涂料", body=body.approval_number)) == {
        lamp.number,
        issued_certificate.number,
    }
    today = dt.date.today()
    assert keys(q="涂料", issued_from=today + dt.timedelta(days=1)) == []


def test_certificate_only_filters_leave_out_enterprises_and_bodies(lamp, suzhou_holder):
    assert suzhou_holder.credit_code in keys(q="照明")
    assert keys(q="照明", status="01") == [lamp.number]


def test_results_page_with_a_cursor_through_every_match(issue):
    issued = {issue().number for _ in range(5)}
    seen: list[str] = []
    cursor = None
    while True:
        page = search(q="涂料", kind="certificate", limit=2, cursor=cursor)
        seen += [hit["key"] for hit in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(issued)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("province", "999999"),
        ("city", "320000"),
        ("category", "no-such"),
        ("body", "CNCA-R-0000-000"),
        ("holder", "X"),
        ("status", "09"),
        ("kind", "person"),
        ("cursor", "!!"),
        ("limit", 0),
        ("issued_to", "2020-01-01"),
    ],
)
def test_bad_filters_are_refused_naming_the_field_and_value(field, value):
    params = {"q": "涂料", "issued_from": "2021-01-01", field: str(value)}
    with pytest.raises(ValidationFailed) as refused:
        search_query(params)
    assert refused.value.field == field
    assert str(value) in refused.value.message_en
    assert field in refused.value.message_zh


def test_matches_below_the_newest_window_are_found_too(issue, monkeypatch):
    monkeypatch.setattr("greencert.portal.search.NEWEST_WINDOW", 3)
    issued = [issue().number for _ in range(6)]
    found = keys(q="涂料", kind="certificate", limit=10)
    assert found == sorted(issued, reverse=True)
    first = search(q="涂料", kind="certificate", limit=4)
    rest = search(q="涂料", kind="certificate", limit=4, cursor=first["next_cursor"])
    assert [hit["key"] for hit in first["items"] + rest["items"]] == found


def _passes_taken(monkeypatch) -> list:
    """The passes ``_postgresql_ids`` chooses from now on, recorded as they are chosen."""
    from greencert.portal import search as search_module

    taken: list = []
    choose = search_module.postgresql_pass

    def recorded(*args, **kwargs):
        taken.append(choose(*args, **kwargs))
        return taken[-1]

    monkeypatch.setattr(search_module, "postgresql_pass", recorded)
    if connection.vendor == "postgresql":  # statistics as ANALYZE leaves them, read afresh
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE portal_searchdocument")
        search_module._gram_cache.clear()
    return taken


def test_a_rare_word_with_a_filter_is_read_from_the_gin_index_and_a_common_word_newest_first(
    issue, lamp, monkeypatch
):
    coatings = [issue().number for _ in range(12)]
    taken = _passes_taken(monkeypatch)
    assert keys(q="灯具", province="320000") == [lamp.number]
    newest = sorted([*coatings, lamp.number], reverse=True)
    assert keys(q="涂料", kind="certificate", limit=5) == newest[:5]
    if connection.vendor == "postgresql":
        rare, common = taken
        assert rare.window == 0
        assert common.window > 0
        assert rare.expected < common.expected


def _spread_over_blocks(numbers: list[str]) -> list[str]:
    """Move the documents of ``numbers`` into every other block of ids (1, 3, 5, …) in the order
    they were written, as a registry of many blocks holds its matches; the numbers newest first."""
    from greencert.portal import fts

    ordered = list(
        SearchDocument.objects.filter(key__in=numbers).order_by("id").values_list("id", "key")
    )
    with connection.cursor() as cursor:
        for position, (pk, _) in enumerate(ordered):
            moved = (2 * position + 1) * fts.BLOCK_IDS + 5
            cursor.execute("UPDATE portal_searchdocument SET id = %s WHERE id = %s", [moved, pk])
    return [key for _, key in reversed(ordered)]


@pytest.mark.parametrize(
    ("per_block", "limit", "block_passes"),
    [
        # A page reads one match more than it shows. Matches sit in blocks 15, 13, 11, … 1.
        (1000.0, 2, 5),  # blocks 15 down to 11 hold the three matches
        (1000.0, 10, 6),  # six blocks (15-10) hold three of eleven; one pass finds the rest
        (10.0, 10, 0),  # 150 matches expected in all: one pass fetches them all
    ],
)
def test_matches_are_read_block_by_block_newest_first_and_the_rest_in_one_pass(
    issue, monkeypatch, per_block, limit, block_passes
):
    from django.test.utils import CaptureQueriesContext

    from greencert.portal import fts
    from greencert.portal import search as search_module

    if connection.vendor != "postgresql":
        pytest.skip("blocks of ids are read through PostgreSQL's GIN index")
    newest_first = _spread_over_blocks([issue().number for _ in range(8)])
    monkeypatch.setattr(
        search_module,
        "postgresql_pass",
        lambda *a, **k: search_module.PostgresqlPass(99, 0, per_block),
    )
    with CaptureQueriesContext(connection) as queries:
        assert keys(q="涂料", kind="certificate", limit=limit) == newest_first[:limit]
    passes = [q["sql"] for q in queries if "portal_searchdocument.id + 0" in q["sql"]]
    assert sum(f"{fts.BLOCK_KEY} = " in sql for sql in passes) == block_passes
    first = search(q="涂料", kind="certificate", limit=3)
    rest = search(q="涂料", kind="certificate", limit=5, cursor=first["next_cursor"])
    assert [hit["key"] for hit in first["items"] + rest["items"]] == newest_first


def test_the_gin_index_holds_the_block_of_ids_where_it_holds_the_filters():
    from greencert.portal import fts

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's GIN index")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [fts.FILTERED_GIN])
        definition = cursor.fetchone()
    if definition is None:
        pytest.skip("btree_gin is not installed here: the plain GIN index, without keys")
    assert definition[0].endswith(f"((id / {fts.BLOCK_IDS})))")


def test_a_one_year_filter_finds_that_years_matches_newest_first_past_its_window(
    issue, monkeypatch
):
    from greencert.portal import search as search_module

    monkeypatch.setattr(
        search_module, "postgresql_pass", lambda *a, **k: search_module.PostgresqlPass(99, 2)
    )
    year = in_days(-400).year
    that_year = []
    for day in range(1, 6):
        that_year.append(issue(issue_date=dt.date(year, 3, day)).number)
        issue()  # issued today, between them
    window = {"issued_from": f"{year}-01-01", "issued_to": f"{year}-12-31"}
    assert keys(q="涂料", limit=10, **window) == that_year[::-1]
    first = search(q="涂料", limit=3, **window)
    rest = search(q="涂料", limit=3, cursor=first["next_cursor"], **window)
    assert [hit["key"] for hit in first["items"] + rest["items"]] == that_year[::-1]


def test_a_one_year_filter_keeps_matches_issued_before_and_after_that_years_others(issue):
    """Ids need not follow issue dates (an import of old certificates): a match of that year
    written after later years' documents is still found, and a year no document has finds none."""
    year = in_days(-400).year
    early = issue(issue_date=dt.date(year, 2, 1)).number
    issue()  # today
    late = issue(issue_date=dt.date(year, 11, 1)).number  # written after today's
    window = {"issued_from": f"{year}-01-01", "issued_to": f"{year}-12-31"}
    assert keys(q="涂料", limit=10, **window) == [late, early]
    assert keys(q="涂料", issued_from="2001-01-01", issued_to="2001-12-31") == []


def test_the_page_shows_expiry_dates_status_words_and_exports_the_result(client, lamp):
    import csv
    import io

    page = client.get("/search?q=灯具&lang=zh-hans").content.decode()
    assert f"<time>{lamp.expiry_date:%Y-%m-%d}</time>" in page
    assert ">01 有效<" not in page and ">有效</option>" in page
    assert 'id="export-csv"' in page and "format=csv" in page
    response = client.get("/search?q=灯具&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "类型 kind" and "有效期至 expiry_date" in rows[0]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["证书编号 number"] == lamp.number
    assert record["有效期至 expiry_date"] == lamp.expiry_date.isoformat()
    assert record["持证人 holder"] == lamp.holder.name
    assert len(rows) == 2  # the header and the one certificate that matches
