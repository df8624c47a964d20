"""Two writes of a body at the same moment, each on its own thread and database connection.

The first request is held inside its transaction, after it wrote the certificate, until the
second one is waiting: on PostgreSQL, for a lock (the unique index of the key or of the body
number, seen in ``pg_stat_activity``); on SQLite, for the database's write lock, which
``BEGIN IMMEDIATE`` takes at the start of its transaction. Then the first commits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections

from greencert.certification.models import Certificate, CertificateEvent
from greencert.exchange import body_writes
from greencert.exchange.models import IdempotentRequest
from greencert.exchange.tests.body_requests import issue
from greencert.parties.models import Enterprise

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 20


def other_request_waits_for_a_lock() -> bool:
    """On PostgreSQL: another session of this database is waiting for a lock. The activity
    view is read afresh: a transaction otherwise keeps seeing its first snapshot of it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        row = cursor.fetchone()
        return bool(row and row[0])


class HeldFirstWrite:
    """Holds the first write inside its transaction until the second request waits."""

    def __init__(self, issue_record: Callable[..., Any]) -> None:
        self.issue_record = issue_record
        self.first_inside = threading.Event()
        self.second_sent = threading.Event()
        self.second_waited = False
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        certificate = self.issue_record(*args, **kwargs)
        if self.calls == 1:
            self.first_inside.set()
            assert self.second_sent.wait(WAIT_SECONDS)
            self.second_waited = self._until_second_waits()
        return certificate

    def _until_second_waits(self) -> bool:
        if connection.vendor != "postgresql":
            time.sleep(0.5)  # the second request is sent; BEGIN IMMEDIATE queues it
            return True
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if other_request_waits_for_a_lock():
                return True
            time.sleep(0.02)
        return False


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldFirstWrite]:
    holder = HeldFirstWrite(body_writes.issue_record)
    monkeypatch.setattr(body_writes, "issue_record", holder)
    yield holder


def race(held: HeldFirstWrite, first: Callable[[], Any], second: Callable[[], Any]) -> list[Any]:
    """Run ``first``, then ``second`` once the first is inside its write; both answers."""
    answers: list[Any] = [None, None]
    errors: list[BaseException] = []

    def run(index: int, request: Callable[[], Any]) -> None:
        try:
            if index == 1:
                assert held.first_inside.wait(WAIT_SECONDS)
                held.second_sent.set()
            answers[index] = request()
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)
            held.second_sent.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * WAIT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a request is stuck"
    assert errors == []
    assert held.second_waited, "the second request never waited for the first"
    return answers


def test_two_identical_requests_at_once_write_one_certificate(body_system, held):
    _, api = body_system
    first, second = race(held, lambda: issue(api, key="same"), lambda: issue(api, key="same"))
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert Certificate.objects.count() == 1
    assert CertificateEvent.objects.count() == 1
    assert Enterprise.objects.count() == 1
    assert IdempotentRequest.objects.count() == 1
    assert held.calls == 1


def test_the_same_key_with_another_request_at_once_is_refused(body_system, held):
    _, api = body_system
    first, second = race(
        held,
        lambda: issue(api, key="same"),
        lambda: issue(api, key="same", body_number="ZJ-2026-GP-0099"),
    )
    assert (first.status_code, second.status_code) == (201, 422)
    assert second.json()["error"]["code"] == "idempotency_key_reused"
    assert Certificate.objects.count() == 1


def test_one_body_number_sent_twice_at_once_with_two_keys_is_a_conflict(body_system, held):
    _, api = body_system
    first, second = race(held, lambda: issue(api, key="one"), lambda: issue(api, key="two"))
    assert (first.status_code, second.status_code) == (201, 409)
    assert second.json()["error"]["code"] == "duplicate_body_number"
    assert first.json()["number"] in second.json()["error"]["message_en"]
    assert Certificate.objects.count() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["one"]
