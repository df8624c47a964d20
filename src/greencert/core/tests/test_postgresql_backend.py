"""The PostgreSQL backend: no health check round trip for a connection that answered moments
ago, the check for an idle one, and a broken connection replaced either way."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clock(monkeypatch):
    """The backend's clock, moved by hand; the checks it makes, counted."""
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend")
    from greencert.core.postgresql import base

    now = [1000.0]
    monkeypatch.setattr(base, "monotonic", lambda: now[0])
    checks: list[bool] = []
    usable = connection.is_usable

    def counted() -> bool:
        checks.append(usable())
        return checks[-1]

    monkeypatch.setattr(connection, "is_usable", counted)
    connection.close()
    connection.ensure_connection()
    return now, checks


def request() -> int:
    """One request's life for the connection, as Django's request signals drive it."""
    connection.close_if_unusable_or_obsolete()  # request_started
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 2")
            return cursor.fetchone()[0]
    finally:
        connection.close_if_unusable_or_obsolete()  # request_finished


def test_a_connection_that_answered_moments_ago_is_not_checked_an_idle_one_is(clock):
    now, checks = clock
    assert request() == 2
    now[0] += 0.1
    assert request() == 2
    assert checks == []  # busy: reused without a round trip
    now[0] += 10
    assert request() == 2
    assert checks == [True]  # idle: checked first
    now[0] += 0.1
    assert request() == 2
    assert checks == [True]


def test_a_broken_idle_connection_is_replaced_before_the_request(clock):
    now, checks = clock
    request()
    connection.connection.close()  # the server went away while the connection was idle
    now[0] += 10
    assert request() == 2
    assert checks == [False]


def test_a_connection_broken_moments_after_answering_fails_one_request_then_is_replaced(clock):
    now, checks = clock
    request()
    connection.connection.close()
    now[0] += 0.1
    with pytest.raises(DatabaseError):
        request()
    assert connection.connection is None  # closed by Django's check at the request's end
    assert checks == [False]
    assert request() == 2
