"""``/catalog/``: every category with its standards, rule, scheme and valid certificates."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from greencert.catalog.models import Category

pytestmark = pytest.mark.django_db


def test_the_page_lists_every_category_with_its_standards_and_rule(client):
    html = client.get("/catalog/").content.decode()
    for category in Category.objects.all():
        assert f'id="category-{category.code}"' in html
    section = html[html.index('id="category-paper"') :]
    section = section[: section.index("</tr>")]
    assert "GB/T 35613-2017" in section and "GB/T 35613-2024" in section
    assert "2025-04-01 起实施" in section
    assert "已被 GB/T 35613-2024 代替" in section
    assert "CNCA-CGP-12:2021" in section
    assert "先行区试点" in section


def test_the_page_shows_the_evaluation_scheme_and_its_criteria(client):
    html = client.get("/catalog/").content.decode()
    section = html[html.index('id="category-coatings"') :]
    section = section[: section.index("</tr>")]
    assert "/schemes/cgp-coatings/" in section
    assert "基本要求" in section and "评价指标" in section


def test_valid_certificates_are_counted_per_category(client, issued_certificate):
    html = client.get("/catalog/").content.decode()
    section = html[html.index('id="category-coatings"') :]
    row = section[: section.index("</tr>")]
    assert '<td class="num valid-count" data-label="有效证书">1</td>' in row


def test_csv_download_has_a_row_per_category(client, issued_certificate):
    response = client.get("/catalog/", {"format": "csv"})
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == Category.objects.count()
    coatings = next(r for r in rows if r["category_code"] == "coatings")
    assert coatings["valid_certificates"] == "1"
    assert coatings["standards"] == "GB/T 35602-2017"


def test_xlsx_download_opens_with_the_same_rows(client):
    response = client.get("/catalog/", {"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["catalog"]
    assert sheet.max_row == Category.objects.count() + 1
    assert "standards" in book.sheetnames


def test_json_download_nests_standards_and_schemes(client):
    document = json.loads(client.get("/catalog/", {"format": "json"}).content)
    paper = next(c for c in document["categories"] if c["code"] == "paper")
    assert [s["code"] for s in paper["standards"]] == ["GB/T 35613-2017", "GB/T 35613-2024"]
    assert {s["id"] for s in paper["schemes"]} == {"cgp-paper"}


def test_an_unknown_format_is_refused_naming_it(client):
    response = client.get("/catalog/", {"format": "pdf", "lang": "en"})
    assert response.status_code == 400
    assert "'pdf'" in response.content.decode() and "csv, xlsx or json" in response.content.decode()


def test_categories_are_grouped_in_tables_by_kind_and_batch(client):
    html = client.get("/catalog/?lang=en").content.decode()
    assert html.count('<table class="catalog-table">') >= 3
    assert "Green products, batch 1" in html and "Green services, batch 1" in html
    assert html.index("Green products, batch 1") < html.index("Green services, batch 1")


def test_unconfirmed_facts_are_a_source_line_not_a_badge_on_each_row(client):
    unconfirmed = Category.objects.filter(confirmed=False).first()
    assert unconfirmed is not None
    html = client.get("/catalog/").content.decode()
    assert 'class="unconfirmed"' not in html
    row = html[html.index(f'id="category-{unconfirmed.code}"') :]
    row = row[: row.index("</tr>")]
    details = row[row.index('<details class="category-more">') :]
    assert "尚未核实" in details and "类别" in details[details.index("尚未核实") :]


def test_the_category_shows_its_name_with_codes_only_beside_words(client):
    html = client.get("/catalog/").content.decode()
    row = html[html.index('id="category-paper"') :]
    row = row[: row.index("</tr>")]
    assert '<span class="category-name">' in row
    assert ">paper<" not in row
