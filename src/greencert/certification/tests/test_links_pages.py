"""Where people see one audit's certificates and the supply chain: the verify page, the API's
certificate detail and the body's office page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from greencert.certification import links
from greencert.certification.actions import revoke_certificate, suspend_certificate
from greencert.certification.models import Application, Certificate, SupplyChainLink
from greencert.certification.workflow.actions import issue_application_certificate
from greencert.certification.workflow.testing import Cast
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days
from greencert.parties.factory import EnterpriseFactory
from greencert.parties.models import CertificationBody

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(
    issue: Callable[..., Certificate],
    body_staff: Actor,
    other_body: CertificationBody,
    other_body_staff: Actor,
) -> tuple[Certificate, Certificate, Certificate]:
    """A product citing two upstream materials of other holders, one then suspended."""
    product = issue()
    resin = issue(body=other_body, actor=other_body_staff, holder=EnterpriseFactory.create())
    pigment = issue(body=other_body, actor=other_body_staff, holder=EnterpriseFactory.create())
    links.link_upstream(body_staff, product, resin.number, role="raw_material", share="60")
    links.link_upstream(body_staff, product, pigment.body_number, role="component")
    suspend_certificate(other_body_staff, pigment, reason_code="S01", until=in_days(30))
    return product, resin, pigment


def test_the_verify_page_shows_the_upstream_with_current_statuses_and_the_flag(client, chain):
    product, resin, pigment = chain
    html = client.get(f"/verify/{product.number}").content.decode()
    assert 'id="supply-chain-upstream"' in html
    assert resin.number in html and pigment.number in html
    assert "原材料" in html and "60%" in html
    assert html.count("上游证书已暂停") == 1
    english = client.get(f"/verify/{product.number}", {"lang": "en"}).content.decode()
    assert "Upstream certificate suspended" in english


def test_the_verify_page_of_an_upstream_shows_who_cites_it(client, chain):
    product, resin, _pigment = chain
    html = client.get(f"/verify/{resin.number}").content.decode()
    assert 'id="supply-chain-downstream"' in html
    assert product.number in html
    assert "上游证书已" not in html


def test_a_revoked_upstream_is_flagged_as_revoked(client, chain, other_body_staff):
    product, resin, _pigment = chain
    revoke_certificate(other_body_staff, resin, reason_code="R03")
    html = client.get(f"/verify/{product.number}").content.decode()
    assert "上游证书已撤销" in html and "上游证书已暂停" in html


def test_the_api_lists_upstream_and_downstream_with_status(client, chain):
    product, resin, pigment = chain
    body = client.get(f"/api/v1/certificates/{product.number}").json()
    assert [(u["number"], u["status"]["code"], u["flagged"]) for u in body["upstream"]] == [
        (resin.number, "01", False),
        (pigment.number, "02", True),
    ]
    assert body["upstream"][0]["role"] == {
        "code": "raw_material",
        "label_zh": "原材料",
        "label_en": "raw material",
    }
    assert body["upstream"][0]["share"] == 60.0 and body["upstream"][1]["share"] is None
    assert body["downstream"] == []
    assert body["programme"]["code"] == "national"
    back = client.get(f"/api/v1/certificates/{pigment.number}").json()
    assert [d["number"] for d in back["downstream"]] == [product.number]


@pytest.fixture
def pair(application_in: Callable[[str], Application], cast: Cast) -> list[Certificate]:
    application = issue_application_certificate(
        cast.decider, application_in("approved"), programmes=["national", "yrd"]
    )
    return list(Certificate.objects.filter(audit__application=application).order_by("id"))


def test_each_certificate_of_one_audit_shows_the_other_on_its_verify_page(client, pair, cast):
    national, regional = pair
    suspend_certificate(cast.decider, regional, reason_code="S03", until=in_days(30))
    html = client.get(f"/verify/{national.number}").content.decode()
    assert "同一审核的其他证书" in html
    assert regional.number in html and "长三角绿色认证" in html and "暂停" in html
    other = client.get(f"/verify/{regional.number}").content.decode()
    assert national.number in other and "国推绿色产品认证" in other


def test_the_api_lists_the_certificates_of_the_same_audit(client, pair):
    national, regional = pair
    body = client.get(f"/api/v1/certificates/{regional.number}").json()
    assert body["programme"]["label_zh"] == "长三角绿色认证"
    assert body["same_audit"] == [
        {
            "number": national.number,
            "programme": {
                "code": "national",
                "label_zh": "国推绿色产品认证",
                "label_en": "national green product certification",
            },
            "status": {"code": "01", "label_zh": "有效", "label_en": "valid"},
        }
    ]


def _queries(client, number: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/verify/{number}").status_code == 200
    return len(captured)


def test_the_sections_cost_the_verify_page_at_most_two_queries(
    client, issued_certificate, chain, pair
):
    product, _resin, _pigment = chain
    national, _regional = pair
    plain = _queries(client, issued_certificate.number)
    with CaptureQueriesContext(connection) as captured:
        links.verify_sections(issued_certificate, "zh-hans")
    assert len(captured) == 1  # no audit, no link: the probe for links only
    with CaptureQueriesContext(connection) as captured:
        links.verify_sections(national, "zh-hans")
    assert len(captured) == 2
    # The page reads the links from the product's public document: no query more than a plain
    # certificate's page.
    assert _queries(client, product.number) == plain


def test_the_office_page_lets_the_body_cite_and_remove_an_upstream(
    client, issue, body_staff, other_body, other_body_staff
):
    product = issue()
    fibre = issue(body=other_body, actor=other_body_staff, holder=EnterpriseFactory.create())
    client.force_login(body_staff.user)
    page = client.get(f"/office/certificates/{product.number}/supply-chain/")
    assert page.status_code == 200 and 'id="add-upstream"' in page.content.decode()
    response = client.post(
        f"/office/certificates/{product.number}/supply-chain/link/",
        {"upstream": fibre.number, "role": "raw_material", "share": "25", "idempotency_key": "k1"},
    )
    assert response.status_code == 302
    link = SupplyChainLink.objects.get()
    assert (link.downstream, link.upstream, str(link.share)) == (product, fibre, "25.00")
    response = client.post(
        f"/office/certificates/{product.number}/supply-chain/unlink/",
        {"upstream": fibre.number, "reason_code": "L02", "idempotency_key": "k2"},
    )
    assert response.status_code == 302 and not SupplyChainLink.objects.exists()


def test_the_office_page_shows_a_refusal_beside_the_field(client, issue, body_staff):
    product = issue()
    client.force_login(body_staff.user)
    response = client.post(
        f"/office/certificates/{product.number}/supply-chain/link/",
        {"upstream": product.number, "role": "component", "idempotency_key": "k"},
    )
    assert response.status_code == 400
    assert "不能引用自身" in response.content.decode()


def test_the_holder_sees_its_chain_without_the_forms(
    client, chain, enterprise_user: Actor, other_body_staff: Actor
) -> None:
    product, resin, _pigment = chain
    client.force_login(enterprise_user.user)
    response = client.get(f"/office/certificates/{product.number}/supply-chain/")
    html = response.content.decode()
    assert response.status_code == 200 and resin.number in html
    assert 'id="add-upstream"' not in html
    client.force_login(other_body_staff.user)  # the upstream's body: not this certificate's
    assert client.get(f"/office/certificates/{product.number}/supply-chain/").status_code == 404
