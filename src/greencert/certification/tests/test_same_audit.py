"""一次认证，多张证书: one audit leads to certificates under several programmes, each with its own
number and lifecycle; certificates of other holders or bodies cannot share it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification import audits
from greencert.certification.actions import Issue, issue_certificates, suspend_certificate
from greencert.certification.intake import IssueRecord, Lookups, check_record, issue_records
from greencert.certification.models import Application, Audit, Certificate
from greencert.certification.workflow.actions import issue_application_certificate
from greencert.certification.workflow.testing import Cast
from greencert.core.actors import Actor
from greencert.core.errors import ValidationFailed
from greencert.core.tests.fixtures import COATINGS_UNIT, events_of, in_days, region
from greencert.parties.factory import CertificationBodyFactory, EnterpriseFactory
from greencert.parties.models import CertificationBody, Enterprise

pytestmark = pytest.mark.django_db

HOLDER = "91330500MA2B3C4D5B"


def record(body_number: str, **overrides: object) -> IssueRecord:
    fields: dict[str, object] = {
        "body_number": body_number,
        "holder_credit_code": HOLDER,
        "holder_name": "湖州绿源涂料有限公司",
        "category": "coatings",
        "certification_unit": COATINGS_UNIT,
        "site_region": "330500",
        "production_site": "湖州市吴兴区绿色路 2 号",
        "issue_date": timezone.localdate() - dt.timedelta(days=3),
    }
    fields.update(overrides)
    return IssueRecord(**fields)  # type: ignore[arg-type]


def test_the_issuing_step_issues_one_certificate_per_chosen_programme(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("approved")
    application = issue_application_certificate(
        cast.decider, application, programmes=["national", "yrd"]
    )
    national, regional = Certificate.objects.filter(audit__application=application).order_by("id")
    assert application.certificate == national
    assert (national.programme, regional.programme) == ("national", "yrd")
    assert national.number != regional.number and national.body_number != regional.body_number
    assert national.audit_id == regional.audit_id
    assert events_of(regional)[0].payload["same_audit_as"] == national.number
    assert events_of(regional)[0].payload["programme"] == "yrd"
    assert "programme" not in events_of(national)[0].payload
    assert application.steps.get(transition="issued").payload["certificates"] == [
        national.number,
        regional.number,
    ]
    assert regional.surveillance_tasks.exists()


def test_each_certificate_of_one_audit_keeps_its_own_lifecycle(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = issue_application_certificate(
        cast.decider, application_in("approved"), programmes=["national", "yrd"]
    )
    national, regional = Certificate.objects.filter(audit__application=application).order_by("id")
    suspend_certificate(cast.decider, regional, reason_code="S03", until=in_days(30))
    national.refresh_from_db()
    regional.refresh_from_db()
    assert (national.status, regional.status) == ("01", "02")
    assert audits.same_audit_of(national) == [
        {"number": regional.number, "programme": "yrd", "status": "02"}
    ]


def test_one_programme_cannot_be_issued_twice_on_one_audit(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("approved")
    issue_application_certificate(cast.decider, application)
    audit = Audit.objects.get(application=application)
    with pytest.raises(ValidationFailed) as refused:
        issue_certificates(
            cast.decider,
            cast.body,
            [
                Issue(
                    holder=cast.enterprise,
                    category=application.category,
                    certification_unit=application.certification_unit,
                    site_region=application.site_region,
                    production_site="x",
                    audit=audit,
                    same_audit_as=application.certificate.number,
                )
            ],
        )
    assert refused.value.code == "programme_taken"
    assert "国推绿色产品认证" in refused.value.message_zh


def test_a_body_outside_the_alliance_cannot_issue_the_regional_programme(
    coatings: Category, holder: Enterprise, make_actor: Callable[..., Actor]
) -> None:
    outsider = CertificationBodyFactory.create(categories=[coatings], alliance_member=False)
    staff = make_actor("outsider", "body_staff", body=outsider)
    with pytest.raises(ValidationFailed) as refused:
        issue_certificates(
            staff,
            outsider,
            [
                Issue(
                    holder=holder,
                    category=coatings,
                    certification_unit=COATINGS_UNIT,
                    site_region=region("330500"),
                    production_site="x",
                    programme="yrd",
                )
            ],
        )
    assert (refused.value.field, refused.value.code) == ("programme", "programme_not_open")
    assert "联盟成员" in refused.value.message_zh
    assert "alliance" in refused.value.message_en
    assert not Certificate.objects.exists()


def test_an_unknown_programme_is_refused_listing_the_known_ones(
    body: CertificationBody, body_staff: Actor, holder: Enterprise, coatings: Category
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        issue_certificates(
            body_staff,
            body,
            [
                Issue(
                    holder=holder,
                    category=coatings,
                    certification_unit=COATINGS_UNIT,
                    site_region=region("330500"),
                    production_site="x",
                    programme="eu-ecolabel",
                )
            ],
        )
    assert refused.value.code == "unknown_programme"
    assert "national" in refused.value.message_en and "yrd" in refused.value.message_en


def test_a_body_says_a_new_certificate_shares_the_audit_of_an_earlier_one(
    body: CertificationBody, body_staff: Actor
) -> None:
    lookups = Lookups(body)
    (national,) = issue_records(body_staff, [record("ZJ-2026-GP-0101")], lookups)
    (regional,) = issue_records(
        body_staff,
        [record("ZJ-2026-GP-0102", programme="yrd", same_audit_as="ZJ-2026-GP-0101")],
        lookups,
    )
    national.refresh_from_db()
    assert national.audit_id is not None and national.audit_id == regional.audit_id
    assert regional.programme == "yrd"
    assert events_of(regional)[0].payload["same_audit_as"] == "ZJ-2026-GP-0101"


def test_a_batch_may_share_an_audit_with_an_earlier_row(
    body: CertificationBody, body_staff: Actor
) -> None:
    first, second = issue_records(
        body_staff,
        [
            record("ZJ-2026-GP-0201"),
            record("ZJ-2026-GP-0202", programme="yrd", same_audit_as="ZJ-2026-GP-0201"),
        ],
        Lookups(body),
    )
    assert first.audit_id is not None and first.audit_id == second.audit_id


def test_certificates_of_different_holders_cannot_share_an_audit(
    body: CertificationBody, body_staff: Actor, issue: Callable[..., Certificate]
) -> None:
    other_holders = issue(holder=EnterpriseFactory.create(name="另一家涂料厂"))
    lookups = Lookups(body)
    shared = record("ZJ-2026-GP-0301", programme="yrd", same_audit_as=other_holders.number)
    problems = check_record(shared, lookups)
    assert [(p.field, p.code) for p in problems] == [("same_audit_as", "audit_of_other_holder")]
    with pytest.raises(ValidationFailed) as refused:
        issue_records(body_staff, [shared], lookups)
    assert refused.value.code == "audit_of_other_holder"
    assert "不同持证人" in refused.value.message_zh
    assert "different holders" in refused.value.message_en
    other_holders.refresh_from_db()
    assert other_holders.audit_id is None  # nothing half-written
    assert not Certificate.objects.filter(body_number="ZJ-2026-GP-0301").exists()


def test_certificates_of_different_bodies_cannot_share_an_audit(
    body: CertificationBody,
    body_staff: Actor,
    other_body: CertificationBody,
    other_body_staff: Actor,
    issue: Callable[..., Certificate],
) -> None:
    theirs = issue(body=other_body, actor=other_body_staff)
    shared = record(
        "ZJ-2026-GP-0401",
        holder_credit_code=theirs.holder.credit_code,
        programme="yrd",
        same_audit_as=theirs.number,
    )
    lookups = Lookups(body)
    assert [p.code for p in check_record(shared, lookups)] == ["audit_of_other_body"]
    with pytest.raises(ValidationFailed) as refused:
        issue_records(body_staff, [shared], lookups)
    assert refused.value.code == "audit_of_other_body"
    assert "跨认证机构" in refused.value.message_zh
    assert Audit.objects.count() == 0


def test_an_unknown_certificate_to_share_with_is_refused(
    body: CertificationBody, body_staff: Actor
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        issue_records(
            body_staff, [record("ZJ-2026-GP-0501", same_audit_as="ZJ-2026-GP-9999")], Lookups(body)
        )
    assert (refused.value.field, refused.value.code) == ("same_audit_as", "unknown_certificate")


def test_a_single_certificate_needs_no_audit_and_reads_as_before(
    issued_certificate: Certificate,
) -> None:
    assert issued_certificate.programme == "national"
    assert issued_certificate.audit_id is None
    assert audits.same_audit_of(issued_certificate) == []
    assert set(events_of(issued_certificate)[0].payload) == {
        "holder",
        "body",
        "body_number",
        "category",
        "scheme",
        "evaluation_fingerprint",
        "expiry_date",
        "renewed_from",
    }
