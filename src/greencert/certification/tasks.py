"""Certification's tasks: notification mail, the expiry of certificates, the lifecycle rules'
due actions, and bulk imports."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from greencert.certification.actions import expire_due_certificates
from greencert.certification.due_rules import find_due_actions, mark_overdue_due_actions
from greencert.certification.imports import runs

logger = logging.getLogger(__name__)


# A mail server that is down for a while gets the mail later: after 1, 2, 4, 8, 16 and 32 minutes.
@db_task(retries=6, retry_delay=60, retry_backoff=2)
def send_notification(subject: str, body: str, recipients: list[str]) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


# Hourly although certificates expire once a day: a worker that was down at midnight catches up
# within the hour, and a run with nothing due changes nothing.
@db_periodic_task(crontab(minute="1"), retries=2, retry_delay=300)
def expire_certificates() -> None:
    """过期失效: record the expiry of every certificate whose validity ended before today."""
    count = expire_due_certificates(timezone.localdate())
    if count:
        logger.info("expired %d certificates", count)


# Hourly, like the expiry: what the rules make due shows in the body's queue within the hour, and
# a deadline that passed is recorded once (the run is idempotent).
@db_periodic_task(crontab(minute="7"), retries=2, retry_delay=300)
def apply_lifecycle_rules() -> None:
    """暂停期满、监督不通过或逾期: make revocations and suspensions due in the bodies' queues,
    and record the deadlines they let pass."""
    today = timezone.localdate()
    made = find_due_actions(today)
    overdue = mark_overdue_due_actions(today)
    if any(made.values()) or overdue:
        logger.info("due actions made %s, overdue %d", made, overdue)


# An uploaded file too large to check while the page waits; the page polls the run's progress.
@db_task()
def check_import(run_id: str) -> None:
    runs.check_run(run_id)


# Written a batch per transaction: a worker stopped half-way leaves whole batches, and importing
# the same file again completes it.
@db_task()
def apply_import(run_id: str) -> None:
    runs.apply_run(run_id)
