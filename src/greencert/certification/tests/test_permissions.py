"""What refusals of a certificate action say, and the checks every issue and change makes
besides who acts (who may do what is the table in ``test_authorisation_matrix``)."""

from __future__ import annotations

import pytest

from greencert.catalog.models import Category
from greencert.certification.actions import (
    change_certificate,
    expire_certificate,
    issue_certificate,
    suspend_certificate,
)
from greencert.certification.models import Certificate, CertificateEvent
from greencert.core.errors import PermissionRefused, ValidationFailed
from greencert.core.tests.fixtures import (
    FURNITURE_UNIT,
    LONG_AGO,
    SYSTEM,
    events_of,
    in_days,
)

pytestmark = pytest.mark.django_db


def suspend(actor, certificate):
    return suspend_certificate(actor, certificate, reason_code="S03", until=in_days(30))


def assert_untouched(certificate, status="01", events=1):
    certificate.refresh_from_db()
    assert certificate.status == status
    assert len(events_of(certificate)) == events


def test_a_refusal_names_the_certificate_and_who_tried(issued_certificate, other_body_staff):
    with pytest.raises(PermissionRefused) as caught:
        suspend(other_body_staff, issued_certificate)
    assert caught.value.field == "certificate"
    assert issued_certificate.number in caught.value.message_en
    assert other_body_staff.label in caught.value.message_zh
    assert_untouched(issued_certificate)


def test_the_system_expiry_job_expires_a_due_certificate(issue):
    certificate = issue(issue_date=LONG_AGO)
    expire_certificate(SYSTEM, certificate)
    (_, event) = events_of(certificate)
    assert (event.event_type, event.status_after, event.actor_label) == (
        "expired",
        "05",
        "system:expiry",
    )


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


def test_another_body_cannot_renew_a_certificate_it_did_not_issue(
    issued_certificate, other_body, other_body_staff, coatings
):
    with pytest.raises(PermissionRefused) as caught:
        issue_certificate(
            other_body_staff,
            body=other_body,
            holder=issued_certificate.holder,
            category=coatings,
            certification_unit=issued_certificate.certification_unit,
            site_region=issued_certificate.site_region,
            reason_code="I02",
            renewed_from=issued_certificate,
        )
    assert caught.value.field == "renewed_from"
    assert Certificate.objects.count() == 1
    assert_untouched(issued_certificate)


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
