"""Who may issue and change certificates: the issuing body's staff, regulators, the alliance."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from greencert.catalog.models import Category
from greencert.certification.actions import (
    change_certificate,
    expire_certificate,
    restore_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.models import Certificate, CertificateEvent
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, ValidationFailed
from greencert.core.tests.fixtures import (
    FURNITURE_UNIT,
    LONG_AGO,
    SYSTEM,
    events_of,
    in_days,
    region,
)
from greencert.parties.models import Role

pytestmark = pytest.mark.django_db


def suspend(actor, certificate):
    return suspend_certificate(actor, certificate, reason_code="S03", until=in_days(30))


def assert_untouched(certificate, status="01", events=1):
    certificate.refresh_from_db()
    assert certificate.status == status
    assert len(events_of(certificate)) == events


@pytest.mark.parametrize(
    "who", ["other_body_staff", "plain_user", "enterprise_user", "shanghai_regulator"]
)
def test_people_without_authority_over_the_certificate_cannot_suspend_it(
    request, issued_certificate, who
):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionRefused) as caught:
        suspend(actor, issued_certificate)
    assert caught.value.field == "certificate"
    assert issued_certificate.number in caught.value.message_en
    assert actor.label in caught.value.message_zh
    assert_untouched(issued_certificate)


def test_an_anonymous_visitor_cannot_suspend(issued_certificate):
    with pytest.raises(PermissionRefused):
        suspend(Actor.for_user(AnonymousUser()), issued_certificate)
    assert_untouched(issued_certificate)


def test_a_regulator_of_the_certificates_province_may_suspend(
    issued_certificate, zhejiang_regulator
):
    suspend(zhejiang_regulator, issued_certificate)
    (_, event) = events_of(issued_certificate)
    assert event.event_type == "suspended"
    assert event.actor_label == "user:zj-regulator"


def test_a_regulator_of_the_certificates_city_may_suspend(issued_certificate, make_actor):
    huzhou_regulator = make_actor("hz", Role.REGULATOR, region=region("330500"))
    suspend(huzhou_regulator, issued_certificate)
    assert issued_certificate.status == "02"


def test_a_regulator_of_the_certificates_province_may_revoke(
    issued_certificate, zhejiang_regulator
):
    revoke_certificate(zhejiang_regulator, issued_certificate, reason_code="R03")
    assert issued_certificate.status == "03"


def test_a_regulator_may_not_restore_a_certificate(
    issued_certificate, zhejiang_regulator, body_staff
):
    suspend(zhejiang_regulator, issued_certificate)
    with pytest.raises(PermissionRefused):
        restore_certificate(zhejiang_regulator, issued_certificate, reason_code="T01")
    assert_untouched(issued_certificate, status="02", events=2)
    restore_certificate(body_staff, issued_certificate, reason_code="T01")
    assert issued_certificate.status == "01"


def test_a_regulator_may_not_change_a_certificates_content(issued_certificate, zhejiang_regulator):
    with pytest.raises(PermissionRefused):
        change_certificate(
            zhejiang_regulator, issued_certificate, reason_code="M03", changes={"grade": "A"}
        )
    assert_untouched(issued_certificate)


def test_an_alliance_admin_may_suspend_any_certificate(issued_certificate, alliance_admin):
    suspend(alliance_admin, issued_certificate)
    assert issued_certificate.status == "02"


def test_a_superuser_counts_as_alliance_admin(issued_certificate, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.cn", "pw-not-used")
    suspend(Actor.for_user(root), issued_certificate)
    assert issued_certificate.status == "02"


def test_the_system_expiry_job_expires_a_due_certificate(issue):
    certificate = issue(issue_date=LONG_AGO)
    expire_certificate(SYSTEM, certificate)
    (_, event) = events_of(certificate)
    assert (event.event_type, event.status_after, event.actor_label) == (
        "expired",
        "05",
        "system:expiry",
    )


def test_an_alliance_admin_may_expire_a_certificate(issue, alliance_admin):
    certificate = issue(issue_date=LONG_AGO)
    expire_certificate(alliance_admin, certificate)
    assert certificate.status == "05"


@pytest.mark.parametrize("who", ["body_staff", "zhejiang_regulator", "plain_user"])
def test_nobody_but_the_system_or_the_alliance_expires_a_certificate(request, issue, who):
    certificate = issue(issue_date=LONG_AGO)
    with pytest.raises(PermissionRefused):
        expire_certificate(request.getfixturevalue(who), certificate)
    assert_untouched(certificate)


def test_the_system_actor_may_not_suspend(issued_certificate):
    with pytest.raises(PermissionRefused):
        suspend(SYSTEM, issued_certificate)
    assert_untouched(issued_certificate)


def test_a_suspension_deadline_must_lie_in_the_future(issued_certificate, body_staff):
    with pytest.raises(ValidationFailed) as caught:
        suspend_certificate(body_staff, issued_certificate, reason_code="S01", until=in_days(0))
    assert caught.value.field == "until"
    assert_untouched(issued_certificate)


def test_body_staff_cannot_issue_a_category_their_body_is_not_authorised_for(
    issue, furniture: Category
):
    with pytest.raises(PermissionRefused) as caught:
        issue(category=furniture, certification_unit=FURNITURE_UNIT)
    assert caught.value.field == "category"
    assert caught.value.value == "furniture"
    assert not Certificate.objects.exists()
    assert not CertificateEvent.objects.exists()


def test_an_alliance_admin_cannot_issue_for_a_body_in_a_category_it_is_not_authorised_for(
    issue, furniture: Category, alliance_admin
):
    # The body's CNCA approval scope limits what it may certify, whoever enters the certificate.
    with pytest.raises((PermissionRefused, ValidationFailed)):
        issue(actor=alliance_admin, category=furniture, certification_unit=FURNITURE_UNIT)
    assert not Certificate.objects.exists()


def test_staff_of_one_body_cannot_issue_in_the_name_of_another(
    issue, other_body, other_body_staff, body
):
    with pytest.raises(PermissionRefused):
        issue(actor=other_body_staff, body=body)
    issue(actor=other_body_staff, body=other_body)
    assert Certificate.objects.filter(body=body).count() == 0


@pytest.mark.parametrize("who", ["plain_user", "enterprise_user", "zhejiang_regulator"])
def test_only_body_staff_issue_certificates(request, issue, who):
    with pytest.raises(PermissionRefused):
        issue(actor=request.getfixturevalue(who))
    assert not Certificate.objects.exists()


def test_an_unknown_certification_unit_is_refused_naming_the_units(issue):
    with pytest.raises(ValidationFailed) as caught:
        issue(certification_unit="油性涂料")
    assert caught.value.field == "certification_unit"
    assert "水性外墙涂料" in caught.value.message_zh
    assert not Certificate.objects.exists()


def test_issuing_without_a_reason_code_leaves_no_trace(issue):
    with pytest.raises(ValidationFailed) as caught:
        issue(reason_code="")
    assert caught.value.field == "reason_code"
    assert not Certificate.objects.exists()
    assert not CertificateEvent.objects.exists()


def test_a_change_keeps_the_number_and_records_before_and_after(issued_certificate, body_staff):
    number = issued_certificate.number
    new_products = [{"name": "水性外墙涂料", "models": ["LH-200", "LH-210"]}]
    change_certificate(
        body_staff, issued_certificate, reason_code="M02", changes={"products": new_products}
    )
    issued_certificate.refresh_from_db()
    assert issued_certificate.number == number
    assert issued_certificate.products == new_products
    (_, event) = events_of(issued_certificate)
    assert event.event_type == "changed"
    assert event.payload["before"]["products"] == [{"name": "水性外墙涂料", "models": ["LH-200"]}]
    assert event.payload["after"]["products"] == new_products


@pytest.mark.parametrize("changes", [{}, {"number": "GC3320250000001X"}, {"status": "03"}])
def test_a_change_may_touch_only_the_content_fields(issued_certificate, body_staff, changes):
    with pytest.raises(ValidationFailed) as caught:
        change_certificate(body_staff, issued_certificate, reason_code="M01", changes=changes)
    assert caught.value.field == "changes"
    assert_untouched(issued_certificate)


def test_a_change_of_unit_must_name_a_unit_of_the_category(issued_certificate, body_staff):
    with pytest.raises(ValidationFailed) as caught:
        change_certificate(
            body_staff,
            issued_certificate,
            reason_code="M02",
            changes={"certification_unit": "油性涂料"},
        )
    assert caught.value.field == "certification_unit"
    assert_untouched(issued_certificate)
