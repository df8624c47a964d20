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
    section = section[: section.index("</section>")]
    assert "GB/T 35613-2017" in section and "GB/T 35613-2024" in section
    assert "2025-04-01 起实施" in section
    assert "已被 GB/T 35613-2024 代替" in section
    assert "CNCA-CGP-12:2021" in section
    assert "先行区试点" in section


def test_the_page_shows_the_evaluation_scheme_and_its_criteria(client):
    html = client.get("/catalog/").content.decode()
    section = html[html.index('id="category-coatings"') :]
    section = section[: section.index("</section>")]
    assert "/schemes/cgp-coatings/" in section
    assert "基本要求" in section and "评价指标" in section


def test_valid_certificates_are_counted_per_category(client, issued_certificate):
    html = client.get("/catalog/").content.decode()
    section = html[html.index('id="category-coatings"') :]
    assert '<dd class="valid-count">1</dd>' in section[: section.index("</section>")]


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
