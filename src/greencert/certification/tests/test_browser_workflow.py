"""A real browser walks one application from submission to a certificate that verifies publicly,
logging in as each party in turn. Screenshots go to test-artifacts/ (git-ignored).

Runs on both engines. The live server answers from its own thread and database connection, so
the test commits for real (a transactional test); on SQLite that works because the test database
is a file and the flush after the test may empty the append-only event table (root conftest).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from greencert.catalog.models import Category
from greencert.certification.models import Application, Certificate
from greencert.certification.workflow.testing import PDF, Cast, passing_values
from greencert.core.tests.browser import ARTIFACTS, PASSWORD, Session
from greencert.core.tests.fixtures import COATINGS_UNIT

pytestmark = [
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def logins(cast: Cast) -> Cast:
    """The cast may log in through /admin/login/, which admits staff accounts only."""
    for actor in (cast.applicant, cast.reviewer, cast.decider, cast.tester):
        actor.user.is_staff = True
        actor.user.set_password(PASSWORD)
        actor.user.save()
    return cast


def submit_step(page: Any, slug: str) -> None:
    page.click(f"#step-{slug} button[type=submit]")
    page.wait_for_load_state()
    errors = page.locator(".error, .form-errors").all_inner_texts()
    assert not errors, errors


def test_an_application_walks_to_a_certificate_that_verifies(
    live_server: Any, logins: Cast, coatings: Category, tmp_path: Path, browser: Any
) -> None:
    cast = logins
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    document = tmp_path / "自评价表.pdf"
    document.write_bytes(PDF)

    applicant = Session(browser, base, "applicant")
    page = applicant.open("/office/applications/new/")
    page.select_option("#id_category", str(coatings.pk))
    page.fill("#id_certification_unit", COATINGS_UNIT)
    page.select_option("#id_body", str(cast.body.pk))
    page.select_option("#id_site_region", "330500")
    page.fill("#id_products", f"{COATINGS_UNIT}: LH-200, LH-300")
    page.fill("#id_production_site", "湖州市吴兴区绿色路 1 号")
    page.select_option("#id_document_kind", "self_evaluation")
    page.set_input_files("#id_document", str(document))
    applicant.shot("01-apply")
    page.click("form.step-form button[type=submit]")
    page.wait_for_url("**/office/applications/SQ*/")
    reference = Application.objects.get().reference
    # The checklist shows what the body still needs; the upload form offers the first of them.
    for kind in ("licence", "product_description", "factory_capability"):
        assert page.locator("form.upload-form select").input_value() == kind
        page.set_input_files("form.upload-form input[type=file]", str(document))
        page.click("form.upload-form button[type=submit]")
        page.wait_for_load_state()
    assert page.locator(".checklist-missing").count() == 0
    assert page.locator(".checklist-present").count() == 4
    applicant.shot("02-submitted")
    applicant.close()

    reviewer = Session(browser, base, "reviewer")
    page = reviewer.open(f"/office/applications/{reference}/")
    submit_step(page, "accept")
    page.check("#step-inspection input[value=pass]")
    page.fill("#step-inspection #id_inspectors", "张工, 李工")
    submit_step(page, "inspection")
    page.select_option("#step-sampling #id_laboratory", str(cast.laboratory.pk))
    page.fill("#step-sampling #id_sample_code", "YP-0001")
    page.fill("#step-sampling #id_product_model", "LH-200")
    page.fill("#step-sampling #id_quantity", "2 桶 × 5 L")
    page.fill("#step-sampling #id_sampled_on", "2026-01-05")
    page.fill("#step-sampling #id_sampled_at_site", "湖州市吴兴区绿色路 1 号")
    reviewer.shot("03-sampling")
    submit_step(page, "sampling")

    tester = Session(browser, base, "tester")
    page = tester.open(f"/office/applications/{reference}/")
    page.fill("#step-test-report #id_report_number", "BG-2026-0001")
    page.fill("#step-test-report #id_issued_on", "2026-01-10")
    for key, value in passing_values(Application.objects.get()).items():
        field = page.locator(f"#step-test-report #id_value_{key}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    tester.shot("04-test-report")
    submit_step(page, "test-report")
    tester.close()

    page = reviewer.open(f"/office/applications/{reference}/?lang=en")
    submit_step(page, "evaluate")
    assert page.locator("#evaluation").is_visible()
    assert page.locator("#step-decide").count() == 0  # the reviewer may not decide
    reviewer.shot("05-evaluated-en")
    reviewer.close()

    decider = Session(browser, base, "decider")
    page = decider.open(f"/office/applications/{reference}/?lang=zh-hans")
    page.check("#step-decide input[value=approve]")
    submit_step(page, "decide")
    submit_step(page, "issue")
    decider.shot("06-issued")
    number = Certificate.objects.get().number
    page = decider.open(f"/office/certificates/{number}/")
    decider.shot("07-certificate-timeline")
    decider.close()

    public = Session(browser, base, "", phone=True)
    page = public.open(f"/verify/{number}")
    assert number in page.content()
    assert "有效" in page.content()
    public.shot("08-verify-phone")
    public.close()

    phone = Session(browser, base, "applicant", phone=True)
    phone.open("/office/")
    phone.shot("09-queue-phone")
    phone.close()
    assert Application.objects.get().state == "certified"
