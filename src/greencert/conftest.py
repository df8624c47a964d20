"""Fixtures shared by every app's tests: a certification body, the people who act on
certificates, certificates brought to any status through the actions, and a real browser.

pytest hands them to any test under ``src/greencert`` that names them, so a test module imports
none of them: ``def test_x(issued_certificate, body_staff): ...``. Plain helpers (``in_days``,
``region``, ``events_of``) are in ``greencert.core.tests.fixtures``; fixtures only one app's tests
use are in that app's ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from greencert.catalog.models import Category
from greencert.certification.actions import (
    cancel_certificate,
    expire_due_certificates,
    issue_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import COATINGS_UNIT, LONG_AGO, in_days, region
from greencert.core.tests.shared_stores import store_config
from greencert.parties.factory import CertificationBodyFactory, EnterpriseFactory
from greencert.parties.models import CertificationBody, Enterprise, Role, RoleAssignment

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def coatings(db: None) -> Category:
    return Category.objects.get(code="coatings")


@pytest.fixture
def furniture(db: None) -> Category:
    return Category.objects.get(code="furniture")


@pytest.fixture
def body(coatings: Category) -> CertificationBody:
    """A certification body authorised for coatings only."""
    return CertificationBodyFactory.create(categories=[coatings])


@pytest.fixture
def other_body(coatings: Category) -> CertificationBody:
    return CertificationBodyFactory.create(categories=[coatings])


@pytest.fixture
def holder(db: None) -> Enterprise:
    return EnterpriseFactory.create()


@pytest.fixture
def make_actor(django_user_model: Any) -> Callable[..., Actor]:
    """``make_actor("li", Role.REGULATOR, region=...)``: a user holding one role (or none)."""

    def make(username: str, role: str | None = None, **scope: Any) -> Actor:
        user = django_user_model.objects.create_user(username=username, password="pw-not-used")
        if role:
            RoleAssignment.objects.create(user=user, role=role, **scope)
        return Actor.for_user(user)

    return make


@pytest.fixture
def body_staff(make_actor: Callable[..., Actor], body: CertificationBody) -> Actor:
    return make_actor("staff", Role.BODY_STAFF, body=body)


@pytest.fixture
def other_body_staff(make_actor: Callable[..., Actor], other_body: CertificationBody) -> Actor:
    return make_actor("other-staff", Role.BODY_STAFF, body=other_body)


@pytest.fixture
def plain_user(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor("plain")


@pytest.fixture
def enterprise_user(make_actor: Callable[..., Actor], holder: Enterprise) -> Actor:
    return make_actor("holder-clerk", Role.ENTERPRISE, enterprise=holder)


@pytest.fixture
def zhejiang_regulator(make_actor: Callable[..., Actor]) -> Actor:
    """A regulator of Zhejiang province, where the default certificate site (湖州) lies."""
    return make_actor("zj-regulator", Role.REGULATOR, region=region("330000"))


@pytest.fixture
def shanghai_regulator(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor("sh-regulator", Role.REGULATOR, region=region("310000"))


@pytest.fixture
def alliance_admin(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor("alliance", Role.ALLIANCE_ADMIN)


@pytest.fixture
def issue(
    body_staff: Actor, body: CertificationBody, holder: Enterprise, coatings: Category
) -> Callable[..., Certificate]:
    """Issue a coatings certificate through ``issue_certificate``; keywords override defaults."""

    def issue_(
        *, site: str = "330500", actor: Actor | None = None, **overrides: Any
    ) -> Certificate:
        kwargs: dict[str, Any] = {
            "holder": holder,
            "body": body,
            "category": coatings,
            "certification_unit": COATINGS_UNIT,
            "site_region": region(site),
            "products": [{"name": COATINGS_UNIT, "models": ["LH-200"]}],
            "production_site": "湖州市吴兴区绿色路 1 号",
        }
        kwargs.update(overrides)
        return issue_certificate(actor or body_staff, **kwargs)

    return issue_


@pytest.fixture
def issued_certificate(issue: Callable[..., Certificate]) -> Certificate:
    return issue()


@pytest.fixture
def certificate_in_status(
    issue: Callable[..., Certificate], body_staff: Actor
) -> Callable[[str], Certificate]:
    """A new certificate brought to a status code (01–05) through the actions."""

    def make(status: str) -> Certificate:
        if status == "05":
            certificate = issue(issue_date=LONG_AGO)
            assert expire_due_certificates() == 1
            certificate.refresh_from_db()
        else:
            certificate = issue()
            if status == "02":
                suspend_certificate(body_staff, certificate, reason_code="S01", until=in_days(30))
            elif status == "03":
                revoke_certificate(body_staff, certificate, reason_code="R02")
            elif status == "04":
                cancel_certificate(body_staff, certificate, reason_code="C04")
            certificate.refresh_from_db()
        assert certificate.status == status
        return certificate

    return make


SHARED_BODY_NUMBER = "SH-2026-GP-0001"


@pytest.fixture
def sharing_a_body_number(
    issue: Callable[..., Certificate], other_body: CertificationBody, other_body_staff: Actor
) -> list[Certificate]:
    """Two certificates of two bodies that each numbered theirs ``SH-2026-GP-0001``, in the order
    a lookup answers them (by the body's approval number)."""
    first = issue(body_number=SHARED_BODY_NUMBER)
    second = issue(body=other_body, actor=other_body_staff, body_number=SHARED_BODY_NUMBER)
    return sorted([first, second], key=lambda c: c.body.approval_number)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's chromium driven by Playwright, started once for a module's browser tests."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API leaves its event loop set as this thread's running loop; the
        # tests' own database work (and the flush after each) is ordinary synchronous code, so
        # Django's async guard does not apply to it.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--no-sandbox",
                    "--headless=new",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                    "--disable-sync",
                ],
            )
            yield chromium
            chromium.close()


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """The browser for one test: the contexts (cookies, storage, pages) it opens are closed
    after it, so the next test of the module starts from a fresh browser state."""
    yield chromium
    for context in chromium.contexts:
        context.close()


@pytest.fixture
def empty_task_queue() -> Iterator[None]:
    """Tests run tasks in memory (huey's immediate mode); what one test scheduled for later, or
    the heartbeat it left, must not show up in the next."""
    from huey.contrib.djhuey import HUEY

    from greencert.core.jobs import forget_heartbeat

    HUEY.storage.flush_all()
    forget_heartbeat()
    yield
    HUEY.storage.flush_all()
    forget_heartbeat()


@pytest.fixture
def loopback_receivers(settings: Any) -> None:
    """Webhook receivers on this machine (the tests' own, on 127.0.0.1), which an operator's
    ``GREENCERT_WEBHOOK_ALLOWED_HOSTS`` allows; every other internal address stays refused."""
    settings.GREENCERT_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


@pytest.fixture(params=["database", "redis"])
def shared_store(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The cache server processes share, once as the database table and once in Redis (skipped
    when no Redis runs): pass it to ``shared_stores.server_process`` for each "process"."""
    return store_config(request.param)
