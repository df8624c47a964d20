"""The site's header and footer are rendered once per language and node identity and kept: each
page still shows them in its own language, and the language switch keeps a page's parameters."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from greencert.portal.templatetags import site

pytestmark = pytest.mark.django_db


def header(page: str) -> str:
    found = re.search(r'<a class="skip".*?</header>', page, re.S)
    assert found is not None
    return found.group(0)


def test_the_header_is_kept_per_language_and_shown_in_each() -> None:
    site._KEPT.clear()
    chinese = Client().get("/catalog/", headers={"Accept-Language": "zh-hans"}).content.decode()
    english = Client().get("/catalog/", headers={"Accept-Language": "en"}).content.decode()
    assert "跳到正文" in header(chinese) and ">检索</a>" in header(chinese)
    assert "Skip to content" in header(english) and ">Search</a>" in header(english)
    assert 'lang="en"' in header(chinese) and 'lang="zh-Hans"' in header(english)
    assert len(site._KEPT) == 4  # the header and the footer, in two languages
    again = Client().get("/search/", headers={"Accept-Language": "en"}).content.decode()
    assert header(again) == header(english)


def test_a_page_with_parameters_keeps_them_in_the_language_switch() -> None:
    page = Client().get("/search/", {"q": "涂料", "province": "330000"}).content.decode()
    switch = re.search(r'<a href="([^"]*)" lang="en" id="switch-language"', page)
    assert switch is not None
    assert "q=%E6%B6%82%E6%96%99&amp;" in switch.group(1)
    assert "province=330000&amp;" in switch.group(1) and switch.group(1).endswith("lang=en")
    plain = Client().get("/search/").content.decode()
    assert '<a href="?lang=en" lang="en" id="switch-language">' in plain


@override_settings(GREENCERT_OPERATOR_ZH="浙江省市场监督管理局（测试）")
def test_a_node_of_another_operator_shows_its_own_name() -> None:
    page = Client().get("/catalog/").content.decode()
    assert "浙江省市场监督管理局（测试）" in page
