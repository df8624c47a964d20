"""A real browser: a regulator orders a suspension from the certificate's office page, the body's
staff find the order on their list and carry it out through the suspension form, the public
verify page shows the certificate suspended and the regulator sees the order carried out.
Screenshots go to test-artifacts/ (git-ignored). Runs on both engines (a transactional test, as
in ``certification/tests/test_browser_workflow.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.tests.browser import ARTIFACTS, log_in, may_log_in, no_errors
from greencert.core.tests.fixtures import in_days
from greencert.supervision.models import RegulatoryOrder

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_regulator_orders_a_suspension_and_the_body_carries_it_out(
    live_server: Any,
    browser: Any,
    issue: Callable[..., Certificate],
    body_staff: Actor,
    zhejiang_regulator: Actor,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    certificate = issue()
    may_log_in(body_staff, zhejiang_regulator)

    regulator = log_in(browser, base, zhejiang_regulator.user.username)
    regulator.goto(f"{base}/office/certificates/{certificate.number}/")
    regulator.click("#order-link")
    regulator.check("input[name=kind][value=suspend]")
    regulator.select_option("#id_basis_code", "CCM-2015-A10")
    regulator.fill("#id_reason", "双随机抽查：送检样品 VOC 含量不合格")
    regulator.fill("#id_deadline", in_days(10).isoformat())
    regulator.click("#order-form button[type=submit]")
    regulator.wait_for_url(f"{base}/supervision/office/orders/")
    no_errors(regulator)
    order = RegulatoryOrder.objects.get(certificate=certificate)
    row = regulator.locator(f"#issued #order-{order.number}")
    assert row.locator(".order-state").inner_text() == "待执行"
    regulator.screenshot(path=str(ARTIFACTS / "order-issued.png"), full_page=True)

    staff = log_in(browser, base, body_staff.user.username, phone=True)
    staff.goto(f"{base}/supervision/office/orders/")
    mine = staff.locator(f"#addressed #order-{order.number}")
    assert "责令暂停" in mine.inner_text()
    assert staff.evaluate("document.documentElement.scrollWidth") <= 375
    staff.screenshot(path=str(ARTIFACTS / "order-addressed-375.png"), full_page=True)
    mine.locator("a.carry-out").click()
    staff.wait_for_url(f"**/office/certificates/{certificate.number}/**")
    form = staff.locator("#action-suspend")
    assert form.get_attribute("open") is not None
    assert form.locator("select[name=order]").input_value() == order.number
    form.locator("select[name=reason_code]").select_option("S08")
    form.locator("input[name=until]").fill(in_days(60).isoformat())
    form.locator("button[type=submit]").click()
    staff.wait_for_load_state()
    no_errors(staff)
    assert staff.locator("#status").inner_text() == "暂停"

    public = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN").new_page()
    public.goto(f"{base}/verify/{certificate.number}")
    assert public.locator("#status-heading").inner_text() == "暂停"

    regulator.goto(f"{base}/supervision/office/orders/")
    assert regulator.locator(f"#issued #order-{order.number} .order-state").inner_text() == "已执行"
    regulator.screenshot(path=str(ARTIFACTS / "order-carried-out.png"), full_page=True)
    order.refresh_from_db()
    certificate.refresh_from_db()
    assert order.state == "carried_out"
    assert certificate.status == "02"
    assert certificate.events.order_by("-sequence")[0].payload["order"] == order.number
