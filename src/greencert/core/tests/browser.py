"""What the browser tests share: a person logged in through /login/,
in a phone or desktop window, and the checks and screenshots every walk-through makes.

The ``browser`` fixture (root conftest) starts Debian's chromium once per module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from greencert.core.actors import Actor

ARTIFACTS = Path.cwd() / "test-artifacts"
PASSWORD = "browser-test-pw"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}


def may_log_in(*actors: Actor) -> str:
    """Lets each actor log in with PASSWORD at /login/ (as staff, so the admin admits them too); returns
    the last one's user name."""
    name = ""
    for actor in actors:
        assert actor.user is not None
        actor.user.is_staff = True
        actor.user.set_password(PASSWORD)
        actor.user.save()
        name = str(actor.user.get_username())
    return name


class Session:
    """One person's browser context: logged in when a user name is given, anonymous otherwise."""

    def __init__(
        self,
        browser: Any,
        base: str,
        username: str = "",
        *,
        then: str = "/office/",
        phone: bool = False,
        shots: str = "",
    ) -> None:
        self.context = browser.new_context(viewport=PHONE if phone else DESKTOP, locale="zh-CN")
        self.page = self.context.new_page()
        self.base = base
        self.shots = shots
        if username:
            self.page.goto(f"{base}/login/?next={then}")
            self.page.fill("#id_username", username)
            self.page.fill("#id_password", PASSWORD)
            self.page.click("form.step-form button[type=submit]")
            self.page.wait_for_url(f"{base}{then}")

    def open(self, path: str) -> Any:
        self.page.goto(f"{self.base}{path}")
        return self.page

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.shots}{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def log_in(
    browser: Any, base: str, username: str, then: str = "/office/", phone: bool = False
) -> Any:
    """A page of a new context, logged in as ``username`` and showing ``then``."""
    return Session(browser, base, username, then=then, phone=phone).page


def no_errors(page: Any) -> None:
    """The form just sent was accepted: no field or form error on the page."""
    errors = page.locator(".error, .form-errors").all_inner_texts()
    assert not errors, errors
