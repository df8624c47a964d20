"""The office pages: each party's queue, the step forms with inline bilingual errors, documents
served only to parties, and one application walked from submission to a certificate."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from greencert.catalog.models import Category
from greencert.certification.models import Application, Certificate
from greencert.certification.workflow.testing import Cast, passing_values, pdf
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import COATINGS_UNIT, in_days


def client_for(actor: Actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def key(page: str) -> str:
    match = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page)
    assert match, "form without an idempotency key"
    return match.group(1)


def post_step(client: Client, application: Application, slug: str, **data: Any) -> Any:
    page = client.get(f"/office/applications/{application.reference}/").content.decode()
    assert f'id="step-{slug}"' in page, f"no {slug} form on the page"
    return client.post(
        f"/office/applications/{application.reference}/{slug}/",
        {"idempotency_key": key(page), **data},
    )


def test_anonymous_users_are_sent_to_log_in(db: None) -> None:
    response = Client().get("/office/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/office/")


def test_one_application_walks_from_submission_to_a_verifiable_certificate(
    cast: Cast, coatings: Category, django_capture_on_commit_callbacks: Any
) -> None:
    enterprise = client_for(cast.applicant)
    form = enterprise.get("/office/applications/new/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = enterprise.post(
            "/office/applications/new/",
            {
                "idempotency_key": key(form),
                "category": coatings.pk,
                "certification_unit": COATINGS_UNIT,
                "body": cast.body.pk,
                "site_region": "330500",
                "products": f"{COATINGS_UNIT}: LH-200, LH-300",
                "production_site": "湖州市吴兴区绿色路 1 号",
                "document_kind": "self_evaluation",
                "document": pdf(),
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get()
    assert "reviewer@example.test" in {to for m in mail.outbox for to in m.to}
    reviewer, decider, lab = (
        client_for(cast.reviewer),
        client_for(cast.decider),
        client_for(cast.tester),
    )
    # 受理 waits for every required document; the refusal names the missing ones.
    refused = post_step(reviewer, application, "accept")
    assert refused.status_code == 400
    assert "营业执照" in refused.content.decode() and "工厂保证能力文件" in refused.content.decode()
    page = enterprise.get(f"/office/applications/{application.reference}/").content.decode()
    assert page.count('class="checklist-missing"') == 3
    for kind in ("licence", "product_description", "factory_capability"):
        uploaded = enterprise.post(
            f"/office/applications/{application.reference}/documents/",
            {"idempotency_key": key(page), "kind": kind, "file": pdf(f"{kind}.pdf")},
        )
        assert uploaded.status_code == 302, uploaded.content.decode()[:2000]
    page = enterprise.get(f"/office/applications/{application.reference}/").content.decode()
    assert "checklist-missing" not in page and page.count('class="checklist-present"') == 4
    assert post_step(reviewer, application, "accept").status_code == 302
    response = post_step(
        reviewer,
        application,
        "inspection",
        outcome="pass",
        inspected_on="2020-01-02",
        inspectors="张工",
        man_days="2.0",
    )
    assert response.status_code == 302
    page = reviewer.get(f"/office/applications/{application.reference}/").content.decode()
    scheme = re.search(r'<option value="(cgp-coatings@[^"]+)"', page)
    assert scheme
    response = post_step(
        reviewer,
        application,
        "sampling",
        laboratory=cast.laboratory.pk,
        scheme=scheme.group(1),
        sample_code="YP-1",
        product_model="LH-200",
        quantity="2 桶",
        sampled_on="2020-01-03",
        sampled_at_site="湖州",
    )
    assert response.status_code == 302
    values = {f"value_{k}": v for k, v in passing_values(application).items()}
    response = post_step(
        lab, application, "test-report", report_number="BG-1", issued_on="2020-01-05", **values
    )
    assert response.status_code == 302
    assert post_step(reviewer, application, "evaluate").status_code == 302
    page = reviewer.get(f"/office/applications/{application.reference}/").content.decode()
    assert 'id="step-decide"' not in page  # the reviewer may not decide
    # Words, not identifiers: the scheme by its title, values by name, outcomes in words.
    application.refresh_from_db()
    assert f">{application.scheme_id}@" not in page
    assert f'title="{application.scheme_id}@{application.scheme_version}"' in page
    assert '<dt class="code">' not in page
    assert re.search(r'class="badge outcome-pass">符合<', page)
    assert not re.search(r'class="badge outcome-\w+">(pass|fail)<', page)
    assert post_step(decider, application, "decide", decision="approve").status_code == 302
    assert post_step(decider, application, "issue").status_code == 302
    certificate = Certificate.objects.get()
    application.refresh_from_db()
    assert application.state == "certified"
    assert certificate.evaluation_fingerprint == application.evaluation_fingerprint
    verify = Client().get(f"/verify/{certificate.number}")
    assert verify.status_code == 200
    timeline = enterprise.get(f"/office/certificates/{certificate.number}/").content.decode()
    assert "I01" in timeline


def test_an_invalid_step_shows_the_field_the_value_and_the_expectation_in_english(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("accepted")
    reviewer = client_for(cast.reviewer)
    response = post_step(
        reviewer,
        application,
        "inspection",
        outcome="pass",
        inspected_on="not-a-date",
        inspectors="张工",
        man_days="2",
    )
    assert response.status_code == 400
    reviewer.get("/office/?lang=en")
    response = post_step(
        reviewer,
        application,
        "inspection",
        outcome="conditional",
        inspected_on="2020-01-02",
        inspectors="张工",
        man_days="2",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "nonconformities" in page and "at least one nonconformity" in page


def test_an_invalid_step_is_explained_in_chinese_by_default(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("accepted")
    response = post_step(
        client_for(cast.reviewer),
        application,
        "inspection",
        outcome="pass",
        inspected_on="not-a-date",
        inspectors="张工",
        man_days="2",
    )
    page = response.content.decode()
    assert "现场检查日期" in page or "检查日期" in page
    assert "not-a-date" in page


def test_a_resubmitted_form_is_not_applied_twice(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("submitted")
    reviewer = client_for(cast.reviewer)
    page = reviewer.get(f"/office/applications/{application.reference}/").content.decode()
    data = {"idempotency_key": key(page)}
    first = reviewer.post(f"/office/applications/{application.reference}/accept/", data)
    second = reviewer.post(f"/office/applications/{application.reference}/accept/", data)
    assert first.status_code == second.status_code == 302
    assert application.steps.filter(transition="accept").count() == 1


def test_a_refused_transition_answers_409_with_the_current_state(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("submitted")
    response = client_for(cast.reviewer).post(
        f"/office/applications/{application.reference}/issue/", {"idempotency_key": "k-409"}
    )
    assert response.status_code == 409
    assert "已申请待受理" in response.content.decode()


@pytest.mark.parametrize(
    "person", ["other_enterprise", "other_body_staff", "other_lab_staff", "regulator_jiangsu"]
)
def test_documents_and_applications_do_not_exist_for_non_parties(
    application_in: Callable[[str], Application], outsiders: dict[str, Actor], person: str
) -> None:
    application = application_in("submitted")
    document = application.documents.get(kind="self_evaluation")
    client = client_for(outsiders[person])
    assert client.get(f"/office/applications/{application.reference}/").status_code == 404
    url = f"/office/applications/{application.reference}/documents/{document.pk}/"
    assert client.get(url).status_code == 404


def test_documents_are_served_to_parties_privately(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("submitted")
    document = application.documents.get(kind="self_evaluation")
    response = client_for(cast.reviewer).get(
        f"/office/applications/{application.reference}/documents/{document.pk}/"
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response.getvalue().startswith(b"%PDF")


def test_the_public_cannot_fetch_a_document(
    application_in: Callable[[str], Application],
) -> None:
    application = application_in("submitted")
    document = application.documents.get(kind="self_evaluation")
    response = Client().get(
        f"/office/applications/{application.reference}/documents/{document.pk}/"
    )
    assert response.status_code == 302  # to the login page


def test_each_party_sees_its_work_in_the_queue(
    application_in: Callable[[str], Application], cast: Cast, outsiders: dict[str, Actor]
) -> None:
    application = application_in("sampled")
    assert application.reference in client_for(cast.tester).get("/office/").content.decode()
    zhejiang = client_for(outsiders["regulator_zhejiang"]).get("/office/").content.decode()
    assert application.reference in zhejiang
    jiangsu = client_for(outsiders["regulator_jiangsu"]).get("/office/").content.decode()
    assert application.reference not in jiangsu


def test_the_certificate_page_and_the_queue_show_the_body_number(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    certificate = application_in("certified").certificate
    assert certificate is not None and certificate.body_number
    page = client_for(cast.reviewer).get(f"/office/certificates/{certificate.number}/")
    html = page.content.decode()
    assert f'<dd class="code" id="body-number">{certificate.body_number}</dd>' in html
    assert "机构证书编号" in html
    queue = client_for(cast.applicant).get("/office/").content.decode()
    assert certificate.number in queue and certificate.body_number in queue


def test_the_certificate_page_offers_suspension_with_reason_codes(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("certified")
    number = application.certificate.number
    reviewer = client_for(cast.reviewer)
    page = reviewer.get(f"/office/certificates/{number}/").content.decode()
    assert "S01" in page
    response = reviewer.post(
        f"/office/certificates/{number}/suspend/",
        {"idempotency_key": key(page), "reason_code": "", "until": in_days(60).isoformat()},
    )
    assert response.status_code == 400
    page = response.content.decode()
    response = reviewer.post(
        f"/office/certificates/{number}/suspend/",
        {"idempotency_key": key(page), "reason_code": "S03", "until": in_days(60).isoformat()},
    )
    assert response.status_code == 302
    assert Certificate.objects.get(number=number).status == "02"
