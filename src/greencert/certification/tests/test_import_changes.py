"""Bulk import of changes: each row checked in file order as if the rows before it were recorded,
then recorded through the same actions as the office forms; a change already recorded from a
file is never recorded again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from greencert.certification.imports.outcome import Outcome
from greencert.certification.imports.run import import_file
from greencert.certification.imports.table import read_table
from greencert.certification.imports.testing import csv_bytes
from greencert.certification.lifecycle import EventType, Status
from greencert.certification.models import ActionReceipt, Certificate, CertificateEvent
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days
from greencert.parties.models import CertificationBody

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(issue: Callable[..., Certificate]) -> Certificate:
    return issue(body_number="ZJ-2025-GP-0001", issue_date=dt.date(2025, 3, 1))


@pytest.fixture
def run_import(body: CertificationBody, body_staff: Actor) -> Callable[..., Outcome]:
    def run(rows: list[dict[str, Any]], **options: Any) -> Outcome:
        table = read_table(csv_bytes("changes", rows, every_column=True), "changes.csv")
        return import_file("changes", table, body, body_staff, **options)

    return run


def problems_at(outcome: Outcome) -> list[tuple[int, str, str, str]]:
    return [(p.row, p.letter, (p.column.split() or [""])[-1], p.code) for p in outcome.problems]


def test_changes_are_recorded_in_file_order_by_the_importing_staff_member(
    run_import: Callable[..., Outcome], certificate: Certificate, body_staff: Actor
) -> None:
    outcome = run_import(
        [
            {"certificate": "ZJ-2025-GP-0001", "event": "surveillance_passed"},
            {
                "certificate": "zj-2025-gp-0001",
                "event": "暂停",
                "reason_code": "s03",
                "until": in_days(60),
                "note": "监督发现可纠正的不符合",
            },
            {"certificate": certificate.number, "event": "restored", "reason_code": "T01"},
            {
                "certificate": certificate.number,
                "event": "changed",
                "reason_code": "M02",
                "changes.products": [{"name": "水性外墙涂料", "models": ["LH-9"]}],
            },
        ]
    )
    assert (outcome.imported, outcome.refused) == (4, 0), outcome.problems
    events = list(certificate.events.order_by("sequence"))
    assert [e.event_type for e in events] == [
        EventType.ISSUED,
        EventType.SURVEILLANCE_PASSED,
        EventType.SUSPENDED,
        EventType.RESTORED,
        EventType.CHANGED,
    ]
    assert {e.actor_label for e in events[1:]} == {body_staff.label}
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID
    assert certificate.products == [{"name": "水性外墙涂料", "models": ["LH-9"]}]


def test_a_changes_file_imported_again_records_nothing_twice(
    run_import: Callable[..., Outcome], certificate: Certificate
) -> None:
    rows = [
        {"certificate": certificate.number, "event": "surveillance_passed"},
        {
            "certificate": certificate.number,
            "event": "suspended",
            "reason_code": "S07",
            "until": in_days(30),
        },
    ]
    run_import(rows)
    events = CertificateEvent.objects.count()
    again = run_import(rows)
    assert (again.imported, again.already_present, again.refused) == (0, 2, 0)
    assert again.ok
    assert CertificateEvent.objects.count() == events
    assert ActionReceipt.objects.filter(action="import_change").count() == 2


def test_the_same_change_twice_in_one_file_is_refused_at_the_second_row(
    run_import: Callable[..., Outcome], certificate: Certificate
) -> None:
    row = {"certificate": certificate.number, "event": "surveillance_passed", "note": "2025 年度"}
    outcome = run_import([row, dict(row)])
    assert problems_at(outcome) == [(3, "A", "certificate", "duplicate_in_file")]
    assert outcome.imported == 0


def test_every_kind_of_bad_change_row_is_reported_at_its_row_and_column(
    run_import: Callable[..., Outcome],
    certificate: Certificate,
    other_body: CertificationBody,
    issue: Callable[..., Certificate],
    other_body_staff: Actor,
) -> None:
    others = issue(body=other_body, actor=other_body_staff, body_number="OTHER-0001")
    outcome = run_import(
        [
            {"certificate": "NO-SUCH-0001", "event": "surveillance_passed"},  # row 2
            {"certificate": others.number, "event": "surveillance_passed"},  # another body's
            {"certificate": certificate.number, "event": "renewed"},
            {"certificate": certificate.number, "event": "restored", "reason_code": "T01"},
            {"certificate": certificate.number, "event": "suspended", "reason_code": "S03"},
            {"certificate": certificate.number, "event": "revoked", "reason_code": "X9"},
            {
                "certificate": certificate.number,
                "event": "surveillance_passed",
                "effective_date": in_days(3),
            },
            {"certificate": certificate.number, "event": "changed", "reason_code": "M02"},
            {"certificate": certificate.number, "event": "expired"},
            {
                "certificate": certificate.number,
                "event": "surveillance_passed",
                "effective_date": "2025-02-30",
            },
            {"certificate": certificate.number, "event": "surveillance_passed", "based_on": 999},
        ]
    )
    assert problems_at(outcome) == [
        (2, "A", "certificate", "unknown_certificate"),
        (3, "A", "certificate", "unknown_certificate"),
        (4, "B", "event", "unknown_event"),
        (5, "B", "event", "transition_refused"),
        (6, "E", "until", "invalid"),
        (7, "C", "reason_code", "unknown_reason"),
        (8, "F", "effective_date", "invalid"),
        (9, "H", "changes.products", "invalid"),
        (10, "B", "event", "invalid"),
        (11, "F", "effective_date", "bad_date"),
        (12, "G", "based_on", "stale"),
    ]
    assert outcome.held_back and outcome.imported == 0
    assert certificate.events.count() == 1


def test_a_restoration_after_a_suspension_earlier_in_the_file_is_valid(
    run_import: Callable[..., Outcome], certificate: Certificate
) -> None:
    outcome = run_import(
        [
            {
                "certificate": certificate.number,
                "event": "suspended",
                "reason_code": "S03",
                "until": in_days(30),
            },
            {"certificate": certificate.number, "event": "restored", "reason_code": "T01"},
            {
                "certificate": certificate.number,
                "event": "restored",
                "reason_code": "T01",
                "note": "twice",
            },
        ],
        dry_run=True,
    )
    assert problems_at(outcome) == [(4, "B", "event", "transition_refused")]
    assert "暂停" in outcome.problems[0].expected_zh or "有效" in outcome.problems[0].expected_zh


def test_changes_dated_after_the_fact_take_effect_on_their_date(
    run_import: Callable[..., Outcome], certificate: Certificate
) -> None:
    outcome = run_import(
        [
            {
                "certificate": certificate.number,
                "event": "cancelled",
                "reason_code": "C04",
                "effective_date": in_days(-5),
            }
        ]
    )
    assert outcome.imported == 1, outcome.problems
    event = certificate.events.order_by("-sequence").first()
    assert event is not None and event.event_type == EventType.CANCELLED
    assert event.effective_at.date() <= in_days(-5)
