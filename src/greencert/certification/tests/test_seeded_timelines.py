"""The demo registry reads true to a regulator: fictional bodies in the YRD working within their
scope, holders in the trade of their certificates, and histories whose dates agree."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from greencert.certification.demo_industries import industry
from greencert.certification.due_rules import surveillance_overdue, suspensions_run_out
from greencert.certification.lifecycle import EventType
from greencert.certification.models import Certificate, CertificateEvent
from greencert.parties.models import CertificationBody

pytestmark = [pytest.mark.django_db, pytest.mark.starts_first]

TODAY = dt.date(2026, 11, 1)
YRD_PROVINCES = {"310000", "320000", "330000", "340000"}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seeded registry for the module, rolled back when the module's tests are done."""
    with django_db_blocker.unblock(), transaction.atomic():
        assert not Certificate.objects.exists()
        call_command("seed", certificates=300, seed=7, today=TODAY, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def histories() -> dict[int, list[tuple[str, dt.date]]]:
    """Certificate id -> its events (type, Beijing date), in sequence order."""
    found: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for cert_id, event_type, at in CertificateEvent.objects.order_by("sequence").values_list(
        "certificate_id", "event_type", "effective_at"
    ):
        found[cert_id].append((event_type, timezone.localdate(at)))
    return found


def test_seeded_bodies_are_fictional_and_seated_in_the_yrd(seeded):
    for body in CertificationBody.objects.select_related("region"):
        assert "示例" in body.name, body.name
        # CNCA's register starts in 2002: a 1999 approval number is no real body's.
        assert body.approval_number.startswith("CNCA-R-1999-"), body.approval_number
        assert body.region.province_code in YRD_PROVINCES, body.region_id


def test_seeded_holders_are_named_after_the_trade_of_their_certificates(seeded):
    misnamed = [
        (name, code)
        for name, code in Certificate.objects.values_list("holder__name", "category__code")
        if not name.endswith(industry(code).endings)
    ]
    assert misnamed == []


def test_seeded_homestays_are_held_by_individual_businesses(seeded):
    codes = Certificate.objects.filter(category__code="rural-homestays").values_list(
        "holder__credit_code", flat=True
    )
    assert codes
    assert {code[:2] for code in codes} == {"92"}


def test_seeded_production_sites_are_the_holders_addresses(seeded):
    for site, address, kind in Certificate.objects.values_list(
        "production_site", "holder__address", "category__kind"
    ):
        assert site == ("" if kind == "service" else address)


def test_no_seeded_event_lies_on_or_after_the_seed_day(seeded):
    # A moment of office hours on the seed day could lie after the moment the seed runs.
    latest = CertificateEvent.objects.order_by("-effective_at").first()
    assert timezone.localdate(latest.effective_at) < TODAY


def test_every_seeded_history_starts_on_the_certificate_s_issue_date(seeded):
    issued = dict(Certificate.objects.values_list("id", "issue_date"))
    for cert_id, events in histories().items():
        assert events[0] == (EventType.ISSUED, issued[cert_id])
        assert all(day >= issued[cert_id] for _type, day in events)


def test_seeded_annual_surveillance_comes_about_a_year_after_the_one_before(seeded):
    issued = dict(Certificate.objects.values_list("id", "issue_date"))
    checks = {EventType.SURVEILLANCE_PASSED, EventType.SUSPENDED}
    gaps = []
    for cert_id, events in histories().items():
        previous = issued[cert_id]
        for (before, _), (event_type, day) in pairwise([("", previous), *events]):
            # A restoration concludes the year's surveillance: no new annual check.
            if event_type in checks and before != EventType.RESTORED:
                gaps.append((day - previous).days)
                previous = day
    assert gaps
    assert min(gaps) >= 300
    assert max(gaps) <= 430


def test_seeded_restorations_and_revocations_follow_a_suspension_within_its_period(seeded):
    ran_out = set(
        CertificateEvent.objects.filter(
            event_type=EventType.REVOKED, reason_code="R01"
        ).values_list("certificate_id", flat=True)
    )
    followed = 0
    for cert_id, events in histories().items():
        for (before, day_before), (event_type, day) in pairwise(events):
            if event_type == EventType.RESTORED:
                assert before == EventType.SUSPENDED
            if before == EventType.SUSPENDED and event_type == EventType.RESTORED:
                assert 0 < (day - day_before).days <= 90
                followed += 1
            if before == EventType.SUSPENDED and event_type == EventType.REVOKED:
                days = (day - day_before).days
                # R01: revoked because the suspension ran out, so after its last day.
                assert days > 90 if cert_id in ran_out else 0 < days <= 90
                followed += 1
    assert followed and ran_out


def test_a_seeded_restoration_concludes_the_years_surveillance(seeded):
    restored = 0
    for events in histories().values():
        for (before, day_before), (event_type, day) in pairwise(events):
            if before == EventType.RESTORED:
                assert (event_type, day) == (EventType.SURVEILLANCE_PASSED, day_before)
                restored += 1
    assert restored


def test_the_lifecycle_rules_find_nothing_due_in_a_freshly_seeded_registry(seeded):
    with transaction.atomic():
        assert surveillance_overdue(TODAY) == 0
        assert suspensions_run_out(TODAY) == 0
        transaction.set_rollback(True)


def test_a_seeded_certificate_expires_the_day_after_its_last_day_of_validity(seeded):
    expiry = dict(Certificate.objects.values_list("id", "expiry_date"))
    expired = 0
    for cert_id, events in histories().items():
        for event_type, day in events:
            if event_type == EventType.EXPIRED:
                assert day == expiry[cert_id] + dt.timedelta(days=1)
                expired += 1
    assert expired


def test_a_seeded_renewal_is_issued_while_its_predecessor_is_still_valid(seeded):
    renewals = Certificate.objects.filter(renewed_from__isnull=False).select_related("renewed_from")
    assert renewals
    for successor in renewals:
        predecessor = successor.renewed_from
        assert predecessor.issue_date < successor.issue_date <= predecessor.expiry_date
        assert successor.initial_issue_date == predecessor.initial_issue_date


def test_seeded_bodies_act_on_working_days_and_only_the_expiry_job_on_any_day(seeded):
    weekend = [
        (event_type, day)
        for events in histories().values()
        for event_type, day in events
        if day.weekday() >= 5 and event_type != EventType.EXPIRED
    ]
    assert weekend == []
