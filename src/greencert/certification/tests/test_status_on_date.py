"""The status a certificate had on any past date, read from the event log."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from greencert.certification.actions import (
    expire_due_certificates,
    record_surveillance_passed,
    restore_certificate,
    suspend_certificate,
)
from greencert.certification.lifecycle.history import (
    history,
    status_from_history,
    status_on,
    statuses_on,
)

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
ISSUED = dt.date(2025, 3, 1)
SUSPENDED = dt.date(2025, 4, 10)
RESTORED = dt.date(2025, 5, 20)
EXPIRY = dt.date(2030, 2, 28)  # five years less a day after ISSUED


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), BEIJING)


@pytest.fixture
def lived_certificate(issue, body_staff, time_machine):
    """Issued, suspended late one evening (Beijing time), restored, then expired by the job."""
    time_machine.move_to(at(ISSUED), tick=False)
    certificate = issue()
    time_machine.move_to(at(SUSPENDED, 23, 30), tick=False)  # 15:30 UTC
    suspend_certificate(body_staff, certificate, reason_code="S01", until=dt.date(2025, 7, 1))
    time_machine.move_to(at(RESTORED), tick=False)
    restore_certificate(body_staff, certificate, reason_code="T01")
    time_machine.move_to(at(EXPIRY + dt.timedelta(days=2), 2), tick=False)
    assert expire_due_certificates() == 1
    certificate.refresh_from_db()
    return certificate


def test_the_lifecycle_fixture_issues_on_the_expected_days(lived_certificate):
    assert lived_certificate.issue_date == ISSUED
    assert lived_certificate.expiry_date == EXPIRY
    assert [e["type"] for e in history(lived_certificate.pk)] == [
        "issued",
        "suspended",
        "restored",
        "expired",
    ]


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (ISSUED - dt.timedelta(days=1), None),
        (ISSUED, "01"),
        (SUSPENDED - dt.timedelta(days=1), "01"),
        (SUSPENDED, "02"),
        (RESTORED - dt.timedelta(days=1), "02"),
        (RESTORED, "01"),
        (EXPIRY, "01"),
        (EXPIRY + dt.timedelta(days=1), "05"),
        (EXPIRY + dt.timedelta(days=400), "05"),
    ],
)
def test_status_on_a_date_follows_the_event_log(lived_certificate, day, status):
    assert status_on(lived_certificate.pk, day) == status


@pytest.mark.parametrize("offset", range(-2, 90, 7))
def test_status_from_loaded_history_agrees_with_the_database_query(lived_certificate, offset):
    rows = history(lived_certificate.pk)
    day = ISSUED + dt.timedelta(days=offset)
    found = status_from_history(rows, day)
    assert (found.code if found else None) == status_on(lived_certificate.pk, day)


@pytest.mark.parametrize("offset", range(-2, 90, 7))
def test_statuses_of_many_certificates_agree_with_one_by_one(
    lived_certificate, issue, offset, time_machine
):
    time_machine.move_to(at(ISSUED + dt.timedelta(days=30)), tick=False)
    later = issue()
    day = ISSUED + dt.timedelta(days=offset)
    many = statuses_on(day, [lived_certificate.pk, later.pk])
    assert many.get(lived_certificate.pk) == status_on(lived_certificate.pk, day)
    assert many.get(later.pk) == status_on(later.pk, day)
    assert statuses_on(day) == many


def test_the_status_on_a_date_carries_the_reason_that_brought_it_about(lived_certificate):
    found = status_from_history(history(lived_certificate.pk), SUSPENDED)
    assert (found.code, found.reason_code) == ("02", "S01")


def test_expiry_takes_effect_at_the_start_of_the_day_after_the_expiry_date(lived_certificate):
    expired = history(lived_certificate.pk, details=True)[-1]
    assert expired["effective_at"] == dt.datetime.combine(
        EXPIRY + dt.timedelta(days=1), dt.time.min, BEIJING
    )
    assert expired["actor"] == "system:expiry"
    assert expired["status_before"] == "01"


def test_the_expiry_job_expires_suspended_certificates_too(issue, body_staff, time_machine):
    time_machine.move_to(at(ISSUED), tick=False)
    certificate = issue()
    suspend_certificate(body_staff, certificate, reason_code="S07", until=dt.date(2025, 5, 1))
    assert expire_due_certificates(today=EXPIRY) == 0
    assert expire_due_certificates(today=EXPIRY + dt.timedelta(days=1)) == 1
    certificate.refresh_from_db()
    assert certificate.status == "05"
    assert history(certificate.pk)[-1]["status_before"] == "02"


def test_the_expiry_job_leaves_final_statuses_alone(certificate_in_status):
    revoked = certificate_in_status("03")
    assert expire_due_certificates(today=dt.date(2099, 1, 1)) == 0
    revoked.refresh_from_db()
    assert revoked.status == "03"


def test_a_certificate_with_events_recorded_after_its_expiry_date_still_expires(
    issue, body_staff, time_machine
):
    time_machine.move_to(at(ISSUED), tick=False)
    certificate = issue()
    time_machine.move_to(at(EXPIRY + dt.timedelta(days=40)), tick=False)
    record_surveillance_passed(body_staff, certificate)  # the job had not run yet
    assert expire_due_certificates() == 1
    certificate.refresh_from_db()
    assert certificate.status == "05"
    assert status_on(certificate.pk, EXPIRY + dt.timedelta(days=1)) == "05"
