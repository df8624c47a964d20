"""``greencert worker``: webhooks every pass, and the daily jobs in a thread of their own."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from greencert.certification.models import Certificate
from greencert.exchange.management.commands.worker import run_daily_jobs
from greencert.portal.opendata import exported_on
from greencert.supervision.actions import list_on_blacklist
from greencert.supervision.models import BlacklistEntry

pytestmark = pytest.mark.django_db(transaction=True)

LONG_AGO = dt.date(2019, 3, 1)  # five-year validity: expired by now


def test_the_daily_jobs_expire_certificates_end_listings_and_export_the_register(
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
    today = dt.date(2026, 6, 1)

    with override_settings(VAR_DIR=tmp_path):
        done = run_daily_jobs(today)
        assert exported_on(today)

    certificate.refresh_from_db()
    assert certificate.status == "05"
    assert BlacklistEntry.objects.get(pk=entry.pk).removed_on is not None
    assert done[:2] == ["expired 1 certificates", "ended 1 blacklist listings"]
    assert done[2] == "exported the open-data register"


def test_one_pass_of_the_worker_runs_the_daily_jobs_and_waits_for_them(issue, tmp_path):
    certificate = issue(issue_date=LONG_AGO)
    out = io.StringIO()

    with override_settings(VAR_DIR=tmp_path):
        call_command("worker", "--once", stdout=out)

    assert Certificate.objects.get(pk=certificate.pk).status == "05"
    assert "expired 1 certificates" in out.getvalue()
    assert "exported the open-data register" in out.getvalue()
