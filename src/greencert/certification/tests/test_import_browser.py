"""A body's staff member uploads a file with a bad row in a real browser, on a phone (375 px) and
a laptop (1366 px), in Chinese and in English: the pages fit the screen, the bad row is in the
table, and importing the valid rows follows through to the result. Screenshots go to
test-artifacts/ (git-ignored).

A transactional test: the live server answers from its own thread and database connection.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from greencert.certification.imports.testing import csv_bytes
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import COATINGS_UNIT

ARTIFACTS = Path.cwd() / "test-artifacts"
PASSWORD = "browser-test-pw"

pytestmark = pytest.mark.django_db(transaction=True)


def rows() -> list[dict[str, Any]]:
    return [
        {
            "body_number": f"ZJ-2025-GP-{n:04d}",
            "holder_credit_code": "91330500MA2B3C4D5B",
            "holder_name": "湖州绿源涂料有限公司",
            "category": "coatings",
            "certification_unit": COATINGS_UNIT,
            "site_region": site,
            "production_site": "湖州市吴兴区绿色路 2 号，一个相当长的地址用来检验窄屏上的换行",
            "products": [{"name": COATINGS_UNIT, "models": ["LH-200", "LH-300"]}],
            "issue_date": dt.date(2025, 3, 1),
        }
        for n, site in enumerate(["330500", "110000", "320500"], start=1)
    ]


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize(
    ("width", "language"), [(375, "zh-hans"), (375, "en"), (1366, "zh-hans"), (1366, "en")]
)
def test_uploading_checking_and_importing_fit_the_screen_in_both_languages(
    live_server: Any, browser: Any, body_staff: Actor, tmp_path: Path, width: int, language: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    user = body_staff.user
    user.is_staff = True
    user.set_password(PASSWORD)
    user.save()
    upload = tmp_path / "证书导入.csv"
    upload.write_bytes(csv_bytes("certificates", rows()))
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/login/?next=/office/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.step-form button[type=submit]")
    page.wait_for_url(f"{base}/office/")
    name = f"import-{width}-{language}"

    page.goto(f"{base}/office/import/?lang={language}")
    assert fits(page)
    heading = "Bulk import" if language == "en" else "批量导入"
    assert page.locator("h1").inner_text() == heading
    page.screenshot(path=str(ARTIFACTS / f"{name}-upload.png"), full_page=True)
    page.set_input_files("input[type=file]", str(upload))
    page.click("form.import-form button[type=submit]")
    page.wait_for_selector("table.problems")
    assert fits(page)
    cells = page.locator("table.problems td").all_inner_texts()
    assert cells[0] == "3" and cells[2] == "110000"
    expected = "a GB/T 2260 code of a YRD region" if language == "en" else "长三角 GB/T 2260"
    assert expected in cells[3]
    assert page.locator("a[href$='errors.xlsx']").count() == 1
    page.screenshot(path=str(ARTIFACTS / f"{name}-checked.png"), full_page=True)

    page.click("form.import-actions button[type=submit]")
    page.wait_for_selector("p.form-errors, p.done, dl.counts")
    assert fits(page)
    imported = page.locator("dl.counts dd").all_inner_texts()
    assert imported[:2] == ["3", "2"]  # rows read, imported
    page.screenshot(path=str(ARTIFACTS / f"{name}-imported.png"), full_page=True)
    assert Certificate.objects.count() == 2
    context.close()
