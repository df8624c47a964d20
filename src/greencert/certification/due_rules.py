"""The lifecycle rules job: makes revocations and suspensions due in the issuing body's queue and
records the deadlines it lets pass (``data/lifecycle_rules.yaml``).

- A suspension that ran out (its last day, ``suspended_until``, is over) without restoration
  makes a revocation due (R01).
- A failed surveillance, or an annual surveillance not passed within the grace period after it
  was due, makes a suspension due (S03, S09).

The body carries it out through its own suspension or revocation, which cites the due action; the
rule never changes a certificate itself. A due action still open after its deadline becomes
overdue once, with a ``due_action_overdue`` event on the certificate's log. Every step is
idempotent: the job may run any number of times a day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification import notifications
from greencert.certification.actions import add_months, record_annotation
from greencert.certification.lifecycle import EventType, Status
from greencert.certification.models import Certificate, DueAction, SurveillanceTask
from greencert.certification.rules import DueRule, lifecycle_rules
from greencert.core.actors import Actor
from greencert.core.errors import TransitionRefused
from greencert.core.sequence import next_value

# Who the job acts as; its events carry this label.
RULES_JOB = Actor.for_system("lifecycle-rules")
# The reason the ``action_due`` event carries for each cause.
DUE_REASONS = {
    "suspension_ran_out": "D01",
    "surveillance_failed": "D02",
    "surveillance_overdue": "D03",
}
ANNUAL_REASON = "V01"


def _number(year: int) -> str:
    """DQ + year + a gapless serial per year: DQ2026000001."""
    return f"DQ{year:04d}{next_value(f'due-action:{year}'):06d}"


def make_due(
    certificate: Certificate,
    rule: DueRule,
    *,
    cause: str,
    cause_key: str,
    basis: dict[str, Any],
    due_on: dt.date,
    today: dt.date,
) -> DueAction | None:
    """Put one due action in the body's queue with its ``action_due`` event; None if the rule
    already applied to this cause, or the same action is already pending."""
    if DueAction.objects.filter(certificate=certificate, cause_key=cause_key).exists():
        return None
    # The body has the whole period from the day it shows in its queue.
    deadline = lifecycle_rules().deadline(max(due_on, today))
    try:
        with transaction.atomic():
            due = DueAction.objects.create(
                number=_number(today.year),
                certificate=certificate,
                body_id=certificate.body_id,
                kind=rule.kind,
                cause=cause,
                cause_key=cause_key,
                reason_code=rule.reason_code,
                basis=basis,
                due_on=due_on,
                deadline=deadline,
            )
            certificate = record_annotation(
                RULES_JOB,
                certificate,
                EventType.ACTION_DUE,
                reason_code=DUE_REASONS[cause],
                payload={
                    "due": due.number,
                    "action": rule.kind,
                    "reason_code": rule.reason_code,
                    "deadline": deadline.isoformat(),
                    **basis,
                },
            )
            DueAction.objects.filter(pk=due.pk).update(due_sequence=certificate.last_event_sequence)
    except (IntegrityError, TransitionRefused):
        return None  # made by a concurrent run, or the certificate changed meanwhile
    kind = "撤销" if rule.kind == "revoke" else "暂停"
    notifications.certificate_step(
        certificate,
        f"应予{kind}（{due.number}，期限 {deadline.isoformat()}）",
        f"{rule.kind} due ({due.number}, deadline {deadline.isoformat()})",
        RULES_JOB,
        holder=False,
    )
    due.refresh_from_db()
    return due


def suspensions_run_out(today: dt.date) -> int:
    """暂停期满: every suspended certificate whose suspension's last day is before ``today``."""
    rule = lifecycle_rules().on_run_out
    count = 0
    ran_out = Certificate.objects.filter(
        status=Status.SUSPENDED, suspended_until__lt=today
    ).order_by("suspended_until", "id")
    for certificate in ran_out.iterator():
        assert certificate.suspended_until is not None
        suspension = (
            certificate.events.filter(event_type=EventType.SUSPENDED)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
            .first()
        )
        made = make_due(
            certificate,
            rule,
            cause="suspension_ran_out",
            cause_key=f"suspension:{suspension}",
            basis={"suspended_until": certificate.suspended_until.isoformat()},
            due_on=certificate.suspended_until + dt.timedelta(days=1),
            today=today,
        )
        count += made is not None
    return count


def surveillance_failed(today: dt.date) -> int:
    """监督不通过: every valid certificate with a failed surveillance the rule has not met yet."""
    count = 0
    failed = SurveillanceTask.objects.filter(
        state="failed", certificate__status=Status.VALID
    ).select_related("certificate")
    for task in failed.order_by("completed_at", "id"):
        count += make_due_for_failed(task, today) is not None
    return count


def make_due_for_failed(task: SurveillanceTask, today: dt.date) -> DueAction | None:
    """A suspension due for one failed surveillance (also called as the result is recorded)."""
    if task.certificate.status != Status.VALID:
        return None
    completed = task.completed_at.date() if task.completed_at else today
    return make_due(
        task.certificate,
        lifecycle_rules().on_surveillance_failed,
        cause="surveillance_failed",
        cause_key=f"task:{task.pk}",
        basis={"surveillance_kind": task.kind, "surveillance_due_on": task.due_on.isoformat()},
        due_on=completed,
        today=today,
    )


def next_annual_surveillance(certificate: Certificate, passed: int) -> dt.date:
    """The day the (passed + 1)-th annual surveillance is due: that anniversary of issue."""
    return add_months(
        certificate.issue_date, certificate.category.surveillance_months * (passed + 1)
    )


def surveillance_overdue(today: dt.date) -> int:
    """年度监督逾期: every valid certificate whose next annual surveillance was due more than the
    grace period ago and is not passed (counted as its ``surveillance_passed`` events with V01)."""
    rules = lifecycle_rules()
    grace = dt.timedelta(days=rules.surveillance_grace_days)
    count = 0
    shortest = (
        Category.objects.filter(surveillance_months__gt=0)
        .order_by("surveillance_months")
        .values_list("surveillance_months", flat=True)
        .first()
    )
    if shortest is None:
        return 0
    # Only a certificate issued before about this day has had a surveillance due long enough
    # ago; the margin covers month ends, and each certificate is checked exactly below.
    issued_before = add_months(today - grace, -shortest) + dt.timedelta(days=4)
    valid = (
        Certificate.objects.filter(
            status=Status.VALID,
            category__surveillance_months__gt=0,
            issue_date__lt=issued_before,
        )
        .select_related("category")
        .annotate(
            passed=Count(
                "events",
                filter=Q(
                    events__event_type=EventType.SURVEILLANCE_PASSED,
                    events__reason_code=ANNUAL_REASON,
                ),
            )
        )
        .order_by("id")
    )
    for certificate in valid.iterator():
        due = next_annual_surveillance(certificate, certificate.passed)
        if due >= certificate.expiry_date or today <= due + grace:
            continue
        made = make_due(
            certificate,
            rules.on_surveillance_overdue,
            cause="surveillance_overdue",
            cause_key=f"annual:{certificate.passed + 1}",
            basis={"surveillance_due_on": due.isoformat(), "grace_days": grace.days},
            due_on=due + grace + dt.timedelta(days=1),
            today=today,
        )
        count += made is not None
    return count


def find_due_actions(today: dt.date | None = None) -> dict[str, int]:
    """The job: every rule over the registry; how many due actions each made."""
    today = today or timezone.localdate()
    return {
        "suspension_ran_out": suspensions_run_out(today),
        "surveillance_failed": surveillance_failed(today),
        "surveillance_overdue": surveillance_overdue(today),
    }


def mark_overdue_due_actions(today: dt.date | None = None) -> int:
    """Every due action still open after its deadline becomes overdue, once, with a
    ``due_action_overdue`` event the regulators see. Returns how many."""
    today = today or timezone.localdate()
    count = 0
    late = DueAction.objects.filter(state="open", deadline__lt=today).select_related("certificate")
    for due in late.order_by("deadline", "id"):
        try:
            with transaction.atomic():
                updated = DueAction.objects.filter(pk=due.pk, state="open").update(
                    state="overdue", overdue_at=timezone.now()
                )
                if not updated:
                    continue  # carried out meanwhile
                certificate = record_annotation(
                    RULES_JOB,
                    due.certificate,
                    EventType.DUE_ACTION_OVERDUE,
                    reason_code="D21",
                    payload={
                        "due": due.number,
                        "action": due.kind,
                        "deadline": due.deadline.isoformat(),
                    },
                )
                DueAction.objects.filter(pk=due.pk).update(
                    overdue_sequence=certificate.last_event_sequence
                )
        except TransitionRefused:
            continue
        count += 1
    return count
