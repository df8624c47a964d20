"""The enterprise's application form: bodies offered by category, refusals that name the approved
bodies, plain messages for what is missing, and a chosen document kept across an error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.storage import default_storage

from greencert.catalog.models import Category
from greencert.certification.models import Application
from greencert.certification.tests.test_workflow_pages import client_for, key
from greencert.certification.workflow import staging
from greencert.certification.workflow.testing import Cast, pdf
from greencert.core.tests.fixtures import COATINGS_UNIT
from greencert.parties.factory import CertificationBodyFactory

pytestmark = pytest.mark.django_db


def fields(cast: Cast, coatings: Category, page: str, **changes: Any) -> dict[str, Any]:
    return {
        "idempotency_key": key(page),
        "category": coatings.pk,
        "certification_unit": COATINGS_UNIT,
        "body": cast.body.pk,
        "site_region": "330500",
        "products": f"{COATINGS_UNIT}: LH-200",
        "production_site": "湖州市吴兴区绿色路 1 号",
        "document_kind": "licence",
        "document": pdf("营业执照.pdf"),
    } | changes


def test_each_body_carries_the_categories_it_is_approved_for(cast: Cast, coatings: Category):
    elsewhere = CertificationBodyFactory.create(name="只认证家具的认证中心", categories=[])
    page = client_for(cast.applicant).get("/office/applications/new/").content.decode()
    page = page[page.index('id="id_body"') :]
    ours = re.search(rf'<option value="{cast.body.pk}"([^>]*)>([^<]*)<', page)
    assert ours and f'data-categories="{coatings.pk}"' in ours.group(1)
    assert cast.body.name in ours.group(2) and cast.body.approval_number in ours.group(2)
    theirs = re.search(rf'<option value="{elsewhere.pk}"([^>]*)>', page)
    assert theirs and "data-categories" not in theirs.group(1)
    assert "apply.js" in page
    page = client_for(cast.applicant).get("/office/applications/new/").content.decode()
    assert 'data-filter-by="id_category"' in page
    assert "---------" not in page
    # Regions by name, not by code.
    assert re.search(r'<option value="330500">[^<]*湖州市</option>', page)
    assert ">330500 " not in page


def test_a_body_not_approved_for_the_category_is_refused_naming_those_that_are(
    cast: Cast, coatings: Category
):
    elsewhere = CertificationBodyFactory.create(name="只认证家具的认证中心", categories=[])
    client = client_for(cast.applicant)
    page = client.get("/office/applications/new/").content.decode()
    response = client.post(
        "/office/applications/new/", fields(cast, coatings, page, body=elsewhere.pk)
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "只认证家具的认证中心" in text and cast.body.name in text
    assert not Application.objects.exists()


def test_a_missing_file_says_what_to_do(cast: Cast, coatings: Category):
    client = client_for(cast.applicant)
    page = client.get("/office/applications/new/").content.decode()
    data = fields(cast, coatings, page)
    del data["document"]
    response = client.post("/office/applications/new/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "请选择要上传的“文件”。" in text
    assert "“”不符合要求" not in text


def test_the_chosen_document_is_kept_after_an_error_and_used_on_the_next_attempt(
    cast: Cast, coatings: Category
):
    client = client_for(cast.applicant)
    page = client.get("/office/applications/new/").content.decode()
    response = client.post(
        "/office/applications/new/", fields(cast, coatings, page, production_site="")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "营业执照.pdf" in text and 'id="staged-document"' in text
    token = re.search(r'name="staged_document" value="([^"]+)"', text).group(1)
    # The token is good only for the user who uploaded the file.
    assert staging.kept(cast.applicant.user.pk, token) is not None
    assert staging.kept(cast.reviewer.user.pk, token) is None

    data = fields(cast, coatings, text, staged_document=token)
    del data["document"]
    response = client.post("/office/applications/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Application.objects.get().documents.get()
    assert (document.kind, document.original_name) == ("licence", "营业执照.pdf")
    assert staging.kept(cast.applicant.user.pk, token) is None
    assert not default_storage.exists(f"staging/{cast.applicant.user.pk}/{token}/营业执照.pdf")


def test_withdrawing_is_not_the_main_action_of_the_applicants_page(application_in: Any, cast: Cast):
    application = application_in("submitted")
    page = client_for(cast.applicant).get(f"/office/applications/{application.reference}/")
    text = page.content.decode()
    assert '<details class="card step ends" id="step-withdraw">' in text
    first_button = re.search(r"<button[^>]*>([^<]*)</button>", text.split('id="documents"')[0])
    assert first_button is None or "撤回" not in first_button.group(1)


def test_an_application_waiting_on_the_body_is_not_the_enterprises_work(
    application_in: Any, cast: Cast
):
    application = application_in("submitted")
    page = client_for(cast.applicant).get("/office/").content.decode()
    awaiting, _sep, elsewhere = page.partition("他方办理中")
    assert application.reference not in awaiting.split("待您处理")[-1]
    assert application.reference in elsewhere
    assert 'class="badge state state-submitted"' in page
    reviewer_page = client_for(cast.reviewer).get("/office/").content.decode()
    assert application.reference in reviewer_page.partition("他方办理中")[0]


def test_returning_an_application_is_set_apart_from_accepting_it(application_in: Any, cast: Cast):
    application = application_in("submitted")
    page = client_for(cast.reviewer).get(f"/office/applications/{application.reference}/")
    text = page.content.decode()
    assert '<section class="card step caution" id="step-return">' in text
    assert '<section class="card step" id="step-accept">' in text
    assert 'name="submit-return" class="secondary"' in text
