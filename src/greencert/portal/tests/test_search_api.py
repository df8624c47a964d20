"""``GET /api/v1/search`` and the ``/search`` page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_the_api_finds_a_certificate_by_a_two_character_word(client, issued_certificate):
    body = client.get("/api/v1/search", {"q": "涂料", "kind": "certificate"}).json()
    assert [item["key"] for item in body["items"]] == [issued_certificate.number]
    item = body["items"][0]
    assert item["status"]["code"] == "01" and item["status"]["label_zh"] == "有效"
    assert item["url"] == f"/verify/{issued_certificate.number}"
    assert item["city"]["name_zh"] == "湖州市"


def test_the_api_finds_a_certificate_by_its_body_number_and_shows_it(client, issue):
    certificate = issue(body_number="SH-2026-GP-0042")
    body = client.get("/api/v1/search", {"q": "sh-2026-gp-0042"}).json()
    assert [(i["key"], i["body_number"]) for i in body["items"]] == [
        (certificate.number, "SH-2026-GP-0042")
    ]


def test_the_page_shows_each_result_s_body_number(client, issue):
    issue(body_number="SH-2026-GP-0042")
    html = client.get("/search", {"q": "涂料"}).content.decode()
    assert "机构证书编号" in html and "SH-2026-GP-0042" in html
    html_en = client.get("/search", {"q": "SH-2026-GP-0042", "lang": "en"}).content.decode()
    assert "Certificate number (issuing body)" in html_en and "SH-2026-GP-0042" in html_en


def test_the_api_pages_with_a_cursor(client, issue):
    numbers = {issue().number for _ in range(3)}
    first = client.get("/api/v1/search", {"q": "涂料", "kind": "certificate", "limit": 2}).json()
    rest = client.get(
        "/api/v1/search",
        {"q": "涂料", "kind": "certificate", "limit": 2, "cursor": first["next_cursor"]},
    ).json()
    assert rest["next_cursor"] is None
    assert {i["key"] for i in first["items"] + rest["items"]} == numbers


def test_a_bad_filter_is_a_400_naming_field_and_value_in_both_languages(client):
    response = client.get("/api/v1/search", {"q": "涂料", "province": "999999"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "province" and error["value"] == "999999"
    assert "320000" in error["message_zh"] and "province code" in error["message_en"]


def test_the_page_shows_status_unmistakably_and_links_to_verify(client, certificate_in_status):
    revoked = certificate_in_status("03")
    html = client.get("/search", {"q": "涂料", "kind": "certificate"}).content.decode()
    assert f'href="/verify/{revoked.number}"' in html
    assert 'class="badge status-03">撤销</span>' in html


def test_the_page_reads_in_english(client, issued_certificate):
    html = client.get("/search", {"q": "涂料", "lang": "en"}).content.decode()
    assert "Search the register" in html and 'class="badge status-01">valid</span>' in html


def test_the_page_refuses_a_bad_filter_with_its_reason(client):
    response = client.get("/search", {"q": "涂料", "issued_from": "yesterday"})
    assert response.status_code == 400
    assert "issued_from" in response.content.decode()


def test_the_page_makes_the_same_number_of_queries_for_one_result_or_many(client, issue):
    issue()
    with CaptureQueriesContext(connection) as one:
        client.get("/search", {"q": "涂料"})
    for _ in range(6):
        issue()
    with CaptureQueriesContext(connection) as many:
        client.get("/search", {"q": "涂料"})
    assert len(many) == len(one)


def test_the_api_makes_the_same_number_of_queries_for_one_result_or_many(client, issue):
    issue()
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/search", {"q": "涂料"})
    for _ in range(6):
        issue()
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/search", {"q": "涂料"})
    assert len(many) == len(one)


def test_empty_filters_and_any_filter_nothing_on_the_page_and_in_the_api(client, issue):
    numbers = sorted(issue().number for _ in range(2))
    blank = {"q": "涂料", "kind": "certificate", "province": "", "pilot_zone": "any", "status": ""}
    body = client.get("/api/v1/search", blank).json()
    assert sorted(item["key"] for item in body["items"]) == numbers
    html = client.get("/search", blank | {"issued_from": "", "limit": ""}).content.decode()
    assert all(f'href="/verify/{number}"' in html for number in numbers)


def test_a_control_character_is_refused_naming_the_field(client):
    api = client.get("/api/v1/search", {"q": "涂料", "grade": "A\x07"})
    assert api.status_code == 400 and api.json()["error"]["field"] == "grade"
    page = client.get("/search", {"q": "涂料", "grade": "A\x07"})
    assert page.status_code == 400
    assert "字段 grade" in page.content.decode() and "不含控制字符的文本" in page.content.decode()
