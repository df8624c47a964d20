"""A real browser: the alliance secretariat registers a document, adds a version and records its
CNCA filing in its office; a certification body's staff cite the filed version for one of the
body's certificates; the certificate's verify page shows the document. Screenshots go to
test-artifacts/.

A transactional test on both engines, like ``certification/tests/test_browser_workflow.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.tests.browser import ARTIFACTS, log_in, may_log_in, no_errors
from greencert.governance.models import DocumentCitation, DocumentVersion

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_document_is_filed_cited_by_a_body_and_shown_on_the_verify_page(
    live_server: Any,
    browser: Any,
    alliance_admin: Actor,
    body_staff: Actor,
    issued_certificate: Certificate,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    today = timezone.localdate()
    office = log_in(browser, base, may_log_in(alliance_admin), "/alliance/office/")
    office.click("a[href='/alliance/office/documents/']")
    office.wait_for_url(f"{base}/alliance/office/documents/")
    office.select_option("#document-form #id_kind", "technical")
    office.fill("#document-form #id_code", "YRDGC-T-009")
    office.fill("#document-form #id_title_zh", "水性涂料绿色产品认证技术规范")
    office.fill("#document-form #id_title_en", "Technical specification for waterborne coatings")
    office.click("#document-form button[type=submit]")
    office.wait_for_url(f"{base}/alliance/office/documents/YRDGC-T-009/")
    no_errors(office)

    office.fill("#version-form #id_version", "1.0")
    office.fill("#version-form #id_issued_on", (today - dt.timedelta(days=30)).isoformat())
    office.fill("#version-form #id_in_force_on", (today - dt.timedelta(days=10)).isoformat())
    office.fill("#version-form #id_changes", "首次发布")
    office.click("#version-form button[type=submit]")
    office.wait_for_load_state()
    no_errors(office)
    version = DocumentVersion.objects.get()
    assert not version.is_filed
    filing = office.locator(f"#filing-{version.pk}")
    filing.locator("input[name$=filing_number]").fill("认监备〔2026〕021号")
    filing.locator("input[name$=filed_on]").fill((today - dt.timedelta(days=20)).isoformat())
    office.screenshot(path=str(ARTIFACTS / "documents-01-office.png"), full_page=True)
    filing.locator("button[type=submit]").click()
    office.wait_for_load_state()
    no_errors(office)
    version.refresh_from_db()
    assert version.filing_number == "认监备〔2026〕021号"

    staff = log_in(
        browser, base, may_log_in(body_staff), "/alliance/documents/YRDGC-T-009/", phone=True
    )
    staff.click("a[href='/alliance/documents/YRDGC-T-009/cite/']")
    staff.wait_for_url(f"{base}/alliance/documents/YRDGC-T-009/cite/")
    staff.fill("#cite-form #id_certificate", issued_certificate.body_number)
    assert staff.evaluate("document.documentElement.scrollWidth") <= 375
    staff.screenshot(path=str(ARTIFACTS / "documents-02-cite.png"), full_page=True)
    staff.click("#cite-form button[type=submit]")
    staff.wait_for_url(f"{base}/alliance/documents/YRDGC-T-009/")
    no_errors(staff)
    assert DocumentCitation.objects.get().certificate == issued_certificate
    assert issued_certificate.number in staff.inner_text("main")

    public = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN").new_page()
    public.goto(f"{base}/verify/{issued_certificate.number}")
    section = public.locator(".cited-documents")
    text = section.inner_text()
    assert "水性涂料绿色产品认证技术规范" in text and "认监备〔2026〕021号" in text
    assert public.evaluate("document.documentElement.scrollWidth") <= 375
    public.screenshot(path=str(ARTIFACTS / "documents-03-verify.png"), full_page=True)
