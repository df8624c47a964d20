"""The demo registry ``greencert seed`` writes has exactly the shape the actions produce."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from greencert.certification.lifecycle.log import EVENT_SEQUENCE
from greencert.certification.models import Certificate, CertificateEvent
from greencert.certification.numbers import check_number
from greencert.core.checkchars import uscc_problem
from greencert.core.models import Counter
from greencert.parties.models import Enterprise

pytestmark = [pytest.mark.django_db, pytest.mark.starts_first]

TODAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seeded registry for the module, rolled back when the module's tests are done."""
    with django_db_blocker.unblock(), transaction.atomic():
        assert not Certificate.objects.exists()
        call_command("seed", certificates=300, seed=7, today=TODAY, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_seed_creates_the_requested_number_of_certificates(seeded):
    assert Certificate.objects.count() == 300


def test_every_seeded_certificate_has_the_status_of_its_last_event(seeded):
    mismatched = []
    for certificate in Certificate.objects.all():
        last = CertificateEvent.objects.filter(certificate=certificate).order_by("sequence").last()
        assert last is not None, certificate.number
        if (last.status_after, last.sequence) != (
            certificate.status,
            certificate.last_event_sequence,
        ):
            mismatched.append(certificate.number)
    assert mismatched == []


def test_every_seeded_certificate_starts_with_an_issued_event(seeded):
    firsts = {}
    for cert_id, event_type in CertificateEvent.objects.order_by("-sequence").values_list(
        "certificate_id", "event_type"
    ):
        firsts[cert_id] = event_type
    assert len(firsts) == 300
    assert set(firsts.values()) == {"issued"}


def test_seeded_event_histories_chain_status_before_to_the_previous_status_after(seeded):
    previous: dict[int, str] = {}
    for cert_id, before, after in CertificateEvent.objects.order_by("sequence").values_list(
        "certificate_id", "status_before", "status_after"
    ):
        assert before == previous.get(cert_id, "")
        previous[cert_id] = after


def test_seeded_sequence_numbers_are_gapless_from_one(seeded):
    sequences = list(
        CertificateEvent.objects.order_by("sequence").values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1))
    assert Counter.objects.get(name=EVENT_SEQUENCE).value == len(sequences)


def test_seeded_sequence_order_is_time_order(seeded):
    times = list(
        CertificateEvent.objects.order_by("sequence").values_list("effective_at", flat=True)
    )
    assert times == sorted(times)


def test_no_seeded_event_lies_after_the_seed_day(seeded):
    latest = CertificateEvent.objects.order_by("-effective_at").first()
    assert latest.effective_at.date() <= TODAY


def test_every_seeded_certificate_number_is_valid_and_unique(seeded):
    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 300
    assert {check_number(n).verdict for n in numbers} == {"well_formed"}


def test_every_seeded_certificate_number_encodes_its_site_province_and_issue_year(seeded):
    for number, province, issued in Certificate.objects.values_list(
        "number", "province_code", "issue_date"
    ):
        assert number[2:4] == province[:2]
        assert number[4:8] == str(issued.year)


def test_every_seeded_enterprise_credit_code_is_valid(seeded):
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert codes
    assert [c for c in codes if uscc_problem(c) is not None] == []


def test_seeded_enterprises_are_spread_over_many_cities_of_all_four_provinces(seeded):
    cities = set(Enterprise.objects.values_list("region__city_code", flat=True))
    provinces = set(Enterprise.objects.values_list("region__province_code", flat=True))
    assert len(cities) >= 15
    assert provinces == {"310000", "320000", "330000", "340000"}


def test_seeded_certificates_are_issued_only_by_bodies_authorised_for_the_category(seeded):
    for certificate in Certificate.objects.select_related("body"):
        assert certificate.body.categories.filter(pk=certificate.category_id).exists()


def test_the_seed_makes_the_credit_records_its_events_bring_about(seeded):
    from greencert.supervision.models import CreditRecord

    for event_type, source in (
        ("revoked", "revocation"),
        ("surveillance_passed", "surveillance_timely"),
    ):
        sequences = set(
            CertificateEvent.objects.filter(event_type=event_type).values_list(
                "sequence", flat=True
            )
        )
        assert sequences
        recorded = CreditRecord.objects.filter(source=source, event_sequence__in=sequences)
        assert set(recorded.values_list("event_sequence", flat=True)) == sequences
