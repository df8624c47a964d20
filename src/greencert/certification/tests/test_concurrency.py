"""Concurrent writers: a gapless sequence in commit order, and one winner per race.

These tests commit for real (``transaction=True``), from several threads, each with its own
database connection. They run on both engines: on PostgreSQL the writers overlap and the counter
row's lock orders them; on SQLite (a file in WAL mode, ``BEGIN IMMEDIATE``) each writer takes the
database's write lock at BEGIN, so writers queue, and the loser of a race still meets the
conditional update. The flush after each test reloads the regions and catalog that the
migrations loaded (see the root conftest).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

import pytest
from django.db import connections, transaction

from greencert.certification.actions import record_surveillance_passed, suspend_certificate
from greencert.certification.models import Certificate, CertificateEvent
from greencert.core.errors import TransitionRefused
from greencert.core.tests.fixtures import in_days
from greencert.parties.models import Role

pytestmark = [
    pytest.mark.django_db(transaction=True),
]

THREADS = 8
ACTIONS_PER_THREAD = 10


class DeliberateRollback(Exception):
    """Raised inside a writer's transaction, after it appended, to roll the append back."""


def run_in_threads(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run ``work(i)`` in ``count`` threads, each on its own connection; return their errors."""
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            work(index)
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer is stuck"
    return errors


@pytest.fixture
def writers_outcome(issue, body_staff):
    """8 threads × 10 surveillance records, every third one rolled back after appending."""
    certificates = [issue() for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    commit_lock = threading.Lock()
    committed: list[int] = []  # sequence numbers, in the order their transactions committed
    rolled_back: list[int] = []

    def work(index: int) -> None:
        certificate = Certificate.objects.get(pk=certificates[index].pk)
        start.wait()
        for step in range(ACTIONS_PER_THREAD):
            holding = False
            try:
                with transaction.atomic():
                    record_surveillance_passed(body_staff, certificate, reason_code="V01")
                    sequence = certificate.last_event_sequence
                    if (index + step) % 3 == 0:
                        rolled_back.append(sequence)
                        raise DeliberateRollback
                    # Hold the lock across COMMIT, so the list records the true commit order.
                    commit_lock.acquire()
                    holding = True
                committed.append(sequence)
            except DeliberateRollback:
                continue  # rolled back on purpose: its sequence number must not survive
            finally:
                if holding:
                    commit_lock.release()

    errors = run_in_threads(THREADS, work)
    assert errors == []
    return {"issued": THREADS, "committed": committed, "rolled_back": rolled_back}


def test_concurrent_writers_get_a_gapless_sequence_in_commit_order(writers_outcome):
    committed = writers_outcome["committed"]
    rolled_back = writers_outcome["rolled_back"]
    assert rolled_back, "the scenario must include rollbacks"
    assert len(committed) + len(rolled_back) == THREADS * ACTIONS_PER_THREAD

    sequences = list(
        CertificateEvent.objects.order_by("sequence").values_list("sequence", flat=True)
    )
    expected = writers_outcome["issued"] + len(committed)
    # Exactly 1..N: no gap left by the rolled-back writers, no number handed out twice.
    assert sequences == list(range(1, expected + 1))
    assert CertificateEvent.objects.filter(event_type="surveillance_passed").count() == len(
        committed
    )
    # The order in which transactions committed is the order of their sequence numbers.
    assert committed == sorted(committed)
    assert len(set(committed)) == len(committed)
    for certificate in Certificate.objects.all():
        last = CertificateEvent.objects.filter(certificate=certificate).latest("sequence")
        assert certificate.last_event_sequence == last.sequence


def test_recorded_at_never_goes_backwards_along_the_sequence(writers_outcome):
    times = list(
        CertificateEvent.objects.order_by("sequence").values_list("recorded_at", flat=True)
    )
    backwards = [(a, b) for a, b in itertools.pairwise(times) if b < a]
    assert backwards == []


def test_of_two_concurrent_suspensions_exactly_one_wins(issue, body_staff, make_actor, body):
    certificate = issue()
    actors = [body_staff, make_actor("second-staff", Role.BODY_STAFF, body=body)]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def work(index: int) -> None:
        mine = Certificate.objects.get(pk=certificate.pk)  # both read status 01
        start.wait()
        try:
            suspend_certificate(actors[index], mine, reason_code="S04", until=in_days(30))
            outcomes.append("suspended")
        except TransitionRefused as refused:
            assert refused.as_dict()["current_status"] == "02"
            outcomes.append("refused")

    assert run_in_threads(2, work) == []
    assert sorted(outcomes) == ["refused", "suspended"]
    certificate.refresh_from_db()
    assert certificate.status == "02"
    events = CertificateEvent.objects.filter(certificate=certificate).order_by("sequence")
    assert [e.event_type for e in events] == ["issued", "suspended"]
    assert events[1].status_before == "01"
