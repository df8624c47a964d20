"""Every public and office page of a seeded demo, at phone and desktop width, passes axe-core
with no serious or critical violation, and fits the phone's width.

The pages are ``portal.site_pages`` (the list ``make screenshots`` photographs); office pages are
read logged in as the regulator, the body reviewer and the enterprise of ``demo_setup``. The
pages' markup does not depend on the database engine, so this runs on SQLite only.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from greencert.parties.demo import DEMO_PASSWORD
from greencert.portal.site_pages import SitePage, site_pages

AXE = Path(__file__).resolve().parents[1] / "static" / "portal" / "vendor" / "axe.min.js"
RULES = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}}"
SIZES = {"phone": (375, 740), "desktop": (1366, 900)}

pytestmark = [
    pytest.mark.starts_first,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "sqlite" not in settings.DATABASES["default"]["ENGINE"],
        reason="the pages' markup is the same on every engine: checked on SQLite",
    ),
]


@pytest.fixture
def demo_pages() -> list[SitePage]:
    quiet = {"stdout": io.StringIO()}
    call_command("seed", certificates=120, seed=2021, **quiet)
    for command in ("demo_setup", "seed_supervision", "seed_workflow", "seed_announcements"):
        call_command(command, **quiet)
    call_command("seed_institutions", **quiet)
    return site_pages()


def serious_violations(page: Any) -> list[tuple[str, str, list[Any]]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(f"axe.run(document, {RULES})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def log_in(context: Any, base: str, username: str) -> None:
    tab = context.new_page()
    tab.goto(f"{base}/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", DEMO_PASSWORD)
    tab.click("form button[type=submit]")
    tab.wait_for_load_state()
    assert "/login/" not in tab.url, f"could not log in as {username}"
    tab.close()


def test_every_page_passes_axe_and_fits_the_screen(
    live_server: Any, browser: Any, demo_pages: list[SitePage]
) -> None:
    accounts = {p.account for p in demo_pages if p.account}
    assert {"regulator-js", "body-reviewer", "enterprise"} <= accounts
    found: list[str] = []
    for size, (width, height) in SIZES.items():
        tabs: dict[str | None, Any] = {}  # one tab per account, reused page after page
        for page in demo_pages:
            tab = tabs.get(page.account)
            if tab is None:
                context = browser.new_context(
                    viewport={"width": width, "height": height}, locale="zh-CN"
                )
                if page.account:
                    log_in(context, live_server.url, page.account)
                tab = tabs[page.account] = context.new_page()
            response = tab.goto(f"{live_server.url}{page.path}", wait_until="load")
            assert response is not None and response.status in (200, 400, 404), page
            where = f"{size} {page.path} ({page.account or 'public'})"
            overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                found.append(f"{where}: {overflow}px too wide")
            for rule, impact, nodes in serious_violations(tab):
                found.append(f"{where}: {impact} {rule} {nodes}")
        for tab in tabs.values():
            tab.context.close()
    assert not found, "\n".join(found)
