"""``greencert seed``: deterministic for a seed, refuses a non-empty registry, ``--if-empty``."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from greencert.certification.lifecycle.log import EVENT_SEQUENCE
from greencert.certification.models import Certificate, CertificateEvent
from greencert.core.models import Counter

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 1)


def seed(**options):
    options = {"certificates": 300, "seed": 7, "today": TODAY, **options}
    call_command("seed", stdout=io.StringIO(), **options)


@pytest.fixture
def seeded():
    seed()


class _Discard(Exception):
    """Raised to roll a savepoint back, so a second run starts from an empty registry again."""


def fingerprint_of_a_fresh_run(**options) -> tuple[list[str], str]:
    """Seed inside a savepoint that is rolled back; return the numbers and a digest of the data."""
    result: tuple[list[str], str] = ([], "")
    with contextlib.suppress(_Discard), transaction.atomic():
        assert not Certificate.objects.exists()
        seed(**options)
        numbers = list(Certificate.objects.order_by("number").values_list("number", flat=True))
        rows = CertificateEvent.objects.order_by("sequence").values_list(
            "sequence", "certificate__number", "event_type", "status_after", "effective_at"
        )
        digest = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
        result = (numbers, digest)
        raise _Discard
    return result


def test_the_same_seed_gives_the_same_registry_in_a_fresh_database():
    first_numbers, first_digest = fingerprint_of_a_fresh_run()
    second_numbers, second_digest = fingerprint_of_a_fresh_run()
    assert len(first_numbers) == 300
    assert first_numbers == second_numbers
    assert first_digest == second_digest


def test_a_different_seed_gives_a_different_registry():
    assert fingerprint_of_a_fresh_run()[1] != fingerprint_of_a_fresh_run(seed=8)[1]


def test_seeding_a_registry_that_already_holds_certificates_is_refused(seeded):
    with pytest.raises(CommandError, match="already holds 300 certificates"):
        seed()
    assert Certificate.objects.count() == 300


def test_seeding_with_if_empty_does_nothing_when_certificates_exist(seeded):
    events = CertificateEvent.objects.count()
    seed(if_empty=True, seed=99)
    assert Certificate.objects.count() == 300
    assert CertificateEvent.objects.count() == events


def test_seed_refuses_a_non_positive_count():
    with pytest.raises(CommandError, match="positive"):
        seed(certificates=0)
    assert not Certificate.objects.exists()


def test_actions_continue_the_seeded_sequences(seeded, body_staff, issue):
    last = Counter.objects.get(name=EVENT_SEQUENCE).value
    certificate = issue(issue_date=dt.date(2025, 6, 1))
    assert certificate.last_event_sequence == last + 1
    assert Certificate.objects.filter(number=certificate.number).count() == 1
