"""With the production Content-Security-Policy enforced (scripts and style sheets only from this
node), a real browser opens every kind of public page and each one works: charts draw, the
complaint form's proof of work finishes, and the browser reports no refused script or style."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from greencert.certification.models import Certificate

pytestmark = pytest.mark.django_db(transaction=True)

ENFORCED = override_settings(
    CONTENT_SECURITY_POLICY=settings.CONTENT_SECURITY_POLICY_REPORT_ONLY,
    CONTENT_SECURITY_POLICY_REPORT_ONLY=None,
    GREENCERT_COMPLAINT_POW_BITS=8,
)


def refusals_on(browser: Any, url: str, ready: str | None = None) -> list[str]:
    """What the browser refused to run or apply on ``url`` (waiting for ``ready`` to appear)."""
    page = browser.new_context(locale="zh-CN").new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda e: refused.append(str(e)))
    response = page.goto(url)
    assert response is not None and "script-src 'self'" in response.headers.get(
        "content-security-policy", ""
    )
    if ready:
        page.wait_for_selector(ready, state="attached", timeout=30_000)
    page.wait_for_load_state("networkidle")
    return refused


@ENFORCED
def test_every_kind_of_public_page_works_under_the_policy(
    live_server: Any, browser: Any, issue: Callable[..., Certificate]
) -> None:
    number = issue().number
    pages = {
        "/": None,
        "/search?q=涂料": ".hits",
        "/catalog/": None,
        "/statistics/": ".chart[data-rendered]",
        "/open-data/": None,
        "/transparency-log": None,
        f"/verify/{number}": None,
        f"/supervision/complaints/new/?certificate={number}": "form[data-pow-done]",
        "/login/": None,
    }
    found = {
        path: refusals_on(browser, live_server.url + path, ready) for path, ready in pages.items()
    }

    assert found == {path: [] for path in pages}


@ENFORCED
def test_the_browser_does_refuse_an_inline_script(live_server: Any, browser: Any) -> None:
    """The check above would see a refusal: an inline script injected into a page is refused."""
    page = browser.new_context().new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{live_server.url}/catalog/")
    page.set_content(
        page.content().replace("</body>", "<script>document.title='x'</script></body>")
    )
    page.wait_for_load_state()

    assert page.title() != "x"
    assert any("script-src" in message for message in refused)
