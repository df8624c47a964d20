"""``greencert screenshots --url URL``: full-page screenshots of every public and office page.

Reads the page list (``portal.site_pages``) from this node's database, so ``URL`` must be a server
on the same database. Office pages are read logged in as the demo account each names. Files go to
``OUT/<language>/<width>/<nn>-<page>.png``; ``make screenshots`` starts a seeded server for it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.parties.demo import DEMO_PASSWORD
from greencert.portal.site_pages import site_pages

CHROMIUM = os.environ.get("GREENCERT_CHROMIUM", "/usr/bin/chromium")
WIDTHS = (375, 1366)
HEIGHTS = {375: 740, 1366: 900}


class Command(BaseCommand):
    help = "Write full-page screenshots of every public and office page at phone and desktop width."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8000")
        parser.add_argument("--out", default=str(settings.VAR_DIR / "screenshots"))
        parser.add_argument(
            "--languages", default="zh-hans,en", help="comma-separated: zh-hans, en or both"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as missing:
            raise CommandError("screenshots need Playwright: pip install playwright") from missing
        if not Path(CHROMIUM).exists():
            raise CommandError(f"{CHROMIUM} is not installed (apt-get install chromium)")
        base = options["url"].rstrip("/")
        out = Path(options["out"])
        pages = site_pages()
        languages = [lang.strip() for lang in options["languages"].split(",") if lang.strip()]
        written = 0
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--headless=new", "--disable-gpu"]
            )
            for language in languages:
                for width in WIDTHS:
                    folder = out / language / str(width)
                    folder.mkdir(parents=True, exist_ok=True)
                    contexts: dict[str | None, Any] = {}
                    for number, page in enumerate(pages, start=1):
                        context = contexts.get(page.account)
                        if context is None:
                            context = browser.new_context(
                                viewport={"width": width, "height": HEIGHTS[width]},
                                locale="zh-CN" if language == "zh-hans" else "en-GB",
                            )
                            if page.account:
                                self._log_in(context, base, page.account)
                            contexts[page.account] = context
                        tab = context.new_page()
                        separator = "&" if "?" in page.path else "?"
                        tab.goto(f"{base}{page.path}{separator}lang={language}")
                        tab.wait_for_load_state("networkidle")
                        path = folder / f"{number:02d}-{page.name}.png"
                        tab.screenshot(path=str(path), full_page=True)
                        tab.close()
                        written += 1
                    for context in contexts.values():
                        context.close()
            browser.close()
        self.stdout.write(f"{written} screenshots in {out}")

    def _log_in(self, context: Any, base: str, username: str) -> None:
        tab = context.new_page()
        tab.goto(f"{base}/login/")
        tab.fill("#id_username", username)
        tab.fill("#id_password", DEMO_PASSWORD)
        tab.click("form button[type=submit]")
        tab.wait_for_load_state()
        if "/login/" in tab.url:
            raise CommandError(f"could not log in as {username} at {base}/login/")
        tab.close()
