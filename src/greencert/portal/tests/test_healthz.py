"""``/healthz``: the web node and its database, the worker's heartbeat, and the oldest due job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from greencert.core.actors import Actor
from greencert.core.jobs import record_heartbeat
from greencert.exchange.actions import create_client, subscribe_webhook
from greencert.exchange.webhooks import dispatch_all

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_task_queue")]


def test_a_worker_that_never_ran_shows_as_missing_while_the_site_stays_up(client):
    data = client.get("/healthz").json()
    assert data["status"] == "ok"
    assert data["worker"] == {"state": "missing", "last_heartbeat": None}
    assert data["oldest_due_job"] is None


def test_a_live_worker_shows_its_last_heartbeat(client, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False)
    record_heartbeat(timezone.now() - dt.timedelta(seconds=40))
    assert client.get("/healthz").json()["worker"] == {
        "state": "ok",
        "last_heartbeat": "2026-06-01T09:59:20+00:00",
        "seconds_since": 40,
    }


def test_a_worker_silent_for_more_than_three_minutes_shows_as_stale(client):
    record_heartbeat(timezone.now() - dt.timedelta(minutes=4))
    data = client.get("/healthz").json()
    assert data["status"] == "ok"
    assert data["worker"]["state"] == "stale"


def test_the_oldest_due_job_shows_how_long_it_has_waited(
    client, issue, time_machine, loopback_receivers
):
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False)
    webhooks_client, _ = create_client(
        Actor.for_system("console"), name="buyer", scopes=["webhooks"]
    )
    subscribe_webhook(webhooks_client, url="http://127.0.0.1:9/hooks", from_sequence=0)
    issue()
    dispatch_all()
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 5, tzinfo=dt.UTC), tick=False)
    assert client.get("/healthz").json()["oldest_due_job"] == {
        "kind": "webhook_delivery",
        "due_since": "2026-06-01T10:00:00+00:00",
        "waiting_seconds": 300,
    }


def test_the_health_check_reads_the_database_once(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/healthz").status_code == 200


def test_checks_within_a_few_seconds_read_the_queue_storage_once(client, monkeypatch):
    from huey.contrib.djhuey import HUEY

    record_heartbeat(timezone.now() - dt.timedelta(seconds=10))
    reads: list[tuple] = []
    original = HUEY.get

    def counted_get(*args, **kwargs):
        reads.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(HUEY, "get", counted_get)
    states = [client.get("/healthz").json()["worker"]["state"] for _ in range(3)]
    assert states == ["ok", "ok", "ok"]
    assert len(reads) == 1


def test_a_database_failure_is_reported_without_its_text(client, monkeypatch, caplog):
    def fail(now):
        raise RuntimeError('password authentication failed for user "greencert" at 10.0.0.5')

    monkeypatch.setattr("greencert.portal.views.verify.oldest_due_delivery", fail)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert "10.0.0.5" not in response.content.decode()
    assert "password authentication failed" in caplog.text  # the operator's log keeps it
