"""A real browser (Playwright driving Debian's chromium) uses the public portal: searches for a
two-character word, filters, opens a result and lands on its verify page; opens the dashboard and
finds every chart drawn; switches language; and on a 375 px phone screen every page fits and
passes axe-core's accessibility rules. Screenshots go to test-artifacts/ (git-ignored).

Runs on both engines, like the workflow's browser test (see its docstring).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from greencert.certification.actions import revoke_certificate
from greencert.certification.models import Certificate
from greencert.core.actors import Actor

ARTIFACTS = Path.cwd() / "test-artifacts"
AXE = Path(__file__).resolve().parents[1] / "static" / "portal" / "vendor" / "axe.min.js"
PAGES = ["/", "/search?q=涂料", "/catalog/", "/statistics/", "/open-data/", "/transparency-log"]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry(issue: Callable[..., Certificate], body_staff: Actor) -> list[Certificate]:
    certificates = [issue(), issue(site="320500"), issue(site="310118")]
    revoke_certificate(body_staff, certificates[1], reason_code="R02")
    return certificates


def page_of(browser: Any, width: int = 1280, height: int = 900) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    return context.new_page()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"portal-{name}.png"), full_page=True)


def test_search_filter_open_a_result_and_land_on_its_verify_page(
    live_server: Any, browser: Any, registry: list[Certificate]
) -> None:
    page = page_of(browser)
    page.goto(f"{live_server.url}/")
    page.fill("#home-q", "涂料")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector(".hits")
    assert page.locator(".hit-certificate").count() == 3
    shot(page, "01-search")
    page.click(".filters summary")
    page.select_option("#f-status", "01")
    page.select_option("#f-province", "330000")
    page.click(".search-row button[type=submit]")
    page.wait_for_selector(".hits")
    hits = page.locator(".hit-certificate")
    assert hits.count() == 1
    assert hits.first.locator(".badge").inner_text().strip().endswith("有效")
    shot(page, "02-filtered")
    hits.first.locator("a.hit-title").click()
    page.wait_for_url(f"**/verify/{registry[0].number}")
    assert page.locator("h1").first.inner_text().strip() == "有效"
    shot(page, "03-verify")


def test_the_dashboard_draws_every_chart(
    live_server: Any, browser: Any, registry: list[Certificate]
) -> None:
    page = page_of(browser)
    page.goto(f"{live_server.url}/statistics/")
    charts = page.locator(".chart[data-chart]")
    # Six charts; the targets have no actual figure in this registry, so they are an open table.
    assert charts.count() == 6
    assert page.locator("#chart-targets details[open] table").is_visible()
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.chart')).every(c => c.dataset.rendered)"
    )
    for i in range(charts.count()):
        chart = charts.nth(i)
        name = chart.get_attribute("data-chart")
        assert int(chart.get_attribute("data-rendered") or 0) > 0, name
        drawn = chart.locator("svg path").count()
        assert drawn > 0, name
    page.locator("#chart-statuses details summary").click()
    assert "撤销" in page.locator("#chart-statuses table").inner_text()
    shot(page, "04-dashboard")


def test_the_language_switch_turns_every_page_to_english_and_back(
    live_server: Any, browser: Any, registry: list[Certificate]
) -> None:
    page = page_of(browser)
    page.goto(f"{live_server.url}/search?q=涂料")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.click("#switch-language")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").first.inner_text() == "Search the register"
    assert page.locator(".hit-certificate").count() == 3  # the query survived the switch
    page.goto(f"{live_server.url}/statistics/")
    assert "Valid certificates by province" in page.content()
    shot(page, "05-english")
    page.click("#switch-language")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"


@pytest.mark.parametrize("path", PAGES)
def test_on_a_phone_each_page_fits_and_passes_axe(
    live_server: Any, browser: Any, registry: list[Certificate], path: str
) -> None:
    page = page_of(browser, width=375, height=740)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == [], violations
    shot(page, "phone" + path.replace("/", "-").replace("?", "-").replace("=", "-").rstrip("-"))


def test_on_a_phone_the_verify_pages_log_details_fit_and_pass_axe(
    live_server: Any, browser: Any, registry: list[Certificate]
) -> None:
    from greencert.exchange.tlog import storage

    storage.catch_up()
    page = page_of(browser, width=375, height=740)
    page.goto(f"{live_server.url}/verify/{registry[0].number}")
    page.click(".log-details summary")
    assert page.locator(".log-details .hash").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the verify page is {overflow}px wider than the screen"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == [], violations
    shot(page, "phone-verify-log")
