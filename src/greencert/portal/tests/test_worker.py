"""``greencert worker``: every app's tasks on one queue; the daily jobs keep their schedule and
order, and one broken webhook subscription stops nothing else."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from huey.contrib.djhuey import HUEY

from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.jobs import last_heartbeat, load_tasks
from greencert.exchange.actions import create_client, new_webhook_secret, subscribe_webhook
from greencert.exchange.models import DeliveryState, WebhookDelivery, WebhookSubscription
from greencert.exchange.tests.receiver import Receiver
from greencert.portal.opendata import exported_on
from greencert.portal.tasks import export_open_data
from greencert.supervision.actions import list_on_blacklist
from greencert.supervision.models import BlacklistEntry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("empty_task_queue", "loopback_receivers"),
]

LONG_AGO = dt.date(2019, 3, 1)  # five-year validity: expired by now


def periodic_at(moment: dt.datetime) -> set[str]:
    """The periodic tasks the worker's scheduler starts at ``moment`` (UTC)."""
    load_tasks()
    return {task.name for task in HUEY.read_periodic(moment.replace(tzinfo=None))}


def test_the_daily_jobs_run_each_hour_in_order_and_the_rounds_and_log_catch_up_every_minute():
    every_minute = {
        "heartbeat",
        "schedule_webhook_rounds",
        "catch_up_log_every_minute",
        "schedule_replication_rounds",
    }
    assert periodic_at(dt.datetime(2026, 6, 1, 16, 0)) == every_minute
    assert periodic_at(dt.datetime(2026, 6, 1, 16, 1)) == every_minute | {
        "expire_certificates",
        "end_blacklist_periods",
    }
    assert periodic_at(dt.datetime(2026, 6, 1, 16, 10)) == every_minute | {"export_open_data"}
    assert periodic_at(dt.datetime(2026, 6, 1, 16, 20)) == every_minute | {"purge_idempotency_keys"}


def test_one_pass_of_the_worker_expires_certificates_ends_listings_and_exports_the_register(
    issue, zhejiang_regulator, holder, tmp_path, time_machine
):
    time_machine.move_to(dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC))
    certificate = issue(issue_date=LONG_AGO)
    entry = list_on_blacklist(
        zhejiang_regulator,
        enterprise=holder,
        basis_code="SCL-2022",
        facts="伪造检验报告",
        ends_on=dt.date(2026, 3, 1),
    )
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC))
    out = io.StringIO()

    with override_settings(VAR_DIR=tmp_path):
        call_command("worker", "--once", stdout=out)
        assert exported_on(dt.date(2026, 6, 1))

    assert Certificate.objects.get(pk=certificate.pk).status == "05"
    assert BlacklistEntry.objects.get(pk=entry.pk).removed_on is not None
    assert "expire_certificates" in out.getvalue()
    assert "export_open_data" in out.getvalue()


def test_the_export_sees_the_days_expiries_whatever_ran_first_and_runs_once_a_day(
    issue, tmp_path, monkeypatch
):
    certificate = issue(issue_date=LONG_AGO)
    exports = []
    monkeypatch.setattr(
        "greencert.portal.tasks.export_register",
        lambda day: exports.append((day, Certificate.objects.get(pk=certificate.pk).status)),
    )
    monkeypatch.setattr("greencert.portal.tasks.exported_on", lambda day: bool(exports))
    with override_settings(VAR_DIR=tmp_path):
        export_open_data.call_local()
        export_open_data.call_local()
    assert [status for _, status in exports] == ["05"]


def test_the_worker_survives_an_unusable_subscription_and_its_restart_runs_the_daily_jobs(
    issue, tmp_path
):
    """A URL urllib cannot parse stops neither the worker nor, after a restart, the daily jobs."""
    console = Actor.for_system("console")
    broken_client, _ = create_client(console, name="broken", scopes=["webhooks"])
    good_client, _ = create_client(console, name="good", scopes=["webhooks"])
    broken = WebhookSubscription.objects.create(
        client=broken_client, url="http://a:b/", secret=new_webhook_secret()
    )
    with Receiver() as receiver, override_settings(VAR_DIR=tmp_path):
        subscribe_webhook(good_client, url=receiver.url, from_sequence=0)
        issue()
        call_command("worker", "--once", stdout=io.StringIO())
        certificate = issue(issue_date=LONG_AGO)
        for _ in range(2):  # restarts; the expiry's event goes out in whichever comes after it
            call_command("worker", "--once", stdout=io.StringIO())
        arrived = [body["type"] for _, body, _ in receiver.accepted()]
    assert arrived == ["certificate.issued", "certificate.issued", "certificate.expired"]
    assert Certificate.objects.get(pk=certificate.pk).status == "05"
    assert set(
        WebhookDelivery.objects.filter(subscription=broken).values_list("state", flat=True)
    ) == {DeliveryState.DEAD}


def test_the_worker_records_its_heartbeat(tmp_path):
    assert last_heartbeat() is None
    with override_settings(VAR_DIR=tmp_path):
        call_command("worker", "--once", stdout=io.StringIO())
    assert last_heartbeat() is not None
