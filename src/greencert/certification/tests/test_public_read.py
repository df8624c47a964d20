"""The lookup's hand-written SQL reads exactly what the ORM reads."""

from __future__ import annotations

import pytest

from greencert.certification.actions import suspend_certificate
from greencert.certification.lifecycle.history import history
from greencert.certification.models import Certificate, CertificateEvent
from greencert.certification.public_read import certificate_by_number
from greencert.core.tests.fixtures import in_days

pytestmark = pytest.mark.django_db

RELATED = {
    "holder": ("credit_code", "name"),
    "body": ("approval_number", "name"),
    "category": ("code", "name_zh", "name_en"),
    "standard": ("number", "year"),
    "site_region": ("code", "name_zh", "name_en", "province_code", "city_code"),
}


def test_the_certificate_and_its_related_objects_match_the_orm(issued_certificate):
    fast = certificate_by_number(issued_certificate.number)
    orm = Certificate.objects.select_related(*RELATED).get(pk=issued_certificate.pk)

    assert fast is not None
    for field in Certificate._meta.concrete_fields:
        assert getattr(fast, field.attname) == getattr(orm, field.attname), field.name
    for relation, fields in RELATED.items():
        for name in fields:
            assert getattr(getattr(fast, relation), name) == getattr(getattr(orm, relation), name)


def test_reading_the_related_objects_needs_no_further_query(
    issued_certificate, django_assert_num_queries
):
    with django_assert_num_queries(1):
        fast = certificate_by_number(issued_certificate.number)
        assert fast is not None
        names = [fast.holder.name, fast.body.name, fast.category.code, fast.site_region.name_zh]
        assert all(names)


def test_a_field_the_lookup_did_not_read_is_loaded_when_asked_for(issued_certificate):
    fast = certificate_by_number(issued_certificate.number)

    assert fast is not None
    assert fast.holder.address == issued_certificate.holder.address
    assert fast.body.alliance_member == issued_certificate.body.alliance_member


def test_a_certificate_without_a_standard_has_none(issued_certificate):
    Certificate.objects.filter(pk=issued_certificate.pk).update(standard=None)

    fast = certificate_by_number(issued_certificate.number)

    assert fast is not None
    assert fast.standard is None


def test_an_unknown_number_reads_as_none(issued_certificate):
    assert certificate_by_number(issued_certificate.number[:-1] + "0") is None


def test_the_history_matches_the_event_log(issued_certificate, body_staff):
    suspend_certificate(body_staff, issued_certificate, reason_code="S01", until=in_days(30))

    rows = history(issued_certificate.pk)

    events = CertificateEvent.objects.filter(certificate=issued_certificate).order_by("sequence")
    assert [(r["sequence"], r["type"], r["status_after"], r["effective_at"]) for r in rows] == [
        (e.sequence, e.event_type, e.status_after, e.effective_at) for e in events
    ]
    assert [r["type"] for r in rows] == ["issued", "suspended"]
