"""A real browser: a member of the public reports a certificate from its verify page, a regulator
handles the report, and the reporter sees the outcome by tracking code. Screenshots go to
test-artifacts/ (git-ignored).

Runs on both engines, like the workflow's browser test (see its docstring).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.supervision.models import Complaint, CreditRecord

ARTIFACTS = Path.cwd() / "test-artifacts"
PASSWORD = "browser-test-pw"

pytestmark = [
    pytest.mark.django_db(transaction=True),
]


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@override_settings(GREENCERT_COMPLAINT_POW_BITS=12)
def test_a_reported_certificate_is_handled_and_the_reporter_sees_the_outcome(
    live_server: Any, issued_certificate: Certificate, zhejiang_regulator: Actor, browser: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    regulator = zhejiang_regulator.user
    regulator.is_staff = True
    regulator.set_password(PASSWORD)
    regulator.save()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = phone.new_page()
    page.goto(f"{base}/verify/{issued_certificate.number}")
    page.click("p.report-link a")
    page.wait_for_url("**/supervision/complaints/new/**")
    assert page.input_value("#id_certificate_number") == issued_certificate.number
    page.fill("#id_description", "超市货架上该涂料包装的绿色产品标志二维码指向别的企业")
    page.fill("#id_contact", "138 0000 0000")
    page.wait_for_selector("form[data-pow-done]")
    shot(page, "supervision-01-report")
    page.click("#complaint-form button[type=submit]")
    page.wait_for_url("**/supervision/complaints/JB*/")
    code = page.inner_text("#tracking-code").strip()
    shot(page, "supervision-02-tracking-code")
    complaint = Complaint.objects.get()
    assert complaint.tracking_code == code and complaint.certificate == issued_certificate

    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    desk = office.new_page()
    desk.goto(f"{base}/login/?next=/supervision/office/")
    desk.fill("#id_username", regulator.username)
    desk.fill("#id_password", PASSWORD)
    desk.click("form.step-form button[type=submit]")
    desk.wait_for_url(f"{base}/supervision/office/")
    desk.click(f"text={code}")
    desk.select_option("#step-assign #id_assignee", str(regulator.pk))
    desk.click("#step-assign button[type=submit]")
    desk.wait_for_load_state()
    desk.fill("#step-investigate #id_note", "已约谈持证人并现场核查")
    desk.click("#step-investigate button[type=submit]")
    desk.wait_for_load_state()
    desk.select_option("#step-close #id_outcome", "upheld")
    desk.fill("#step-close #id_note", "经查标志被冒用，已责令停止使用并立案查处")
    shot(desk, "supervision-03-regulator-closes")
    desk.click("#step-close button[type=submit]")
    desk.wait_for_load_state()
    assert not desk.locator(".error, .form-errors").all_inner_texts()
    office.close()

    page.goto(f"{base}/supervision/complaints/track/")
    page.fill("#id_code", code.lower())
    page.click("form button[type=submit]")
    page.wait_for_url(f"**/supervision/complaints/{code}/")
    outcome = page.inner_text("#complaint-outcome")
    shot(page, "supervision-04-outcome")
    phone.close()
    assert "经查属实" in outcome and "已责令停止使用" in outcome
    assert CreditRecord.objects.filter(source="complaint_upheld", reference=code).exists()
