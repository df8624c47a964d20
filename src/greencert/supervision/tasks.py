"""Supervision's tasks: the end of blacklist periods, orders past their deadline, and the erasure
of complainants' contact details past their retention period."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from greencert.supervision.actions import end_expired_listings
from greencert.supervision.complaints import erase_expired_contacts
from greencert.supervision.orders import mark_overdue_orders

logger = logging.getLogger(__name__)


# Hourly for the same reason as the expiry of certificates: a missed midnight is caught up.
@db_periodic_task(crontab(minute="1"), retries=2, retry_delay=300)
def end_blacklist_periods() -> None:
    """Remove blacklist listings whose period has ended, unflagging their certificates."""
    count = end_expired_listings(timezone.localdate())
    if count:
        logger.info("ended %d blacklist listings", count)


# Hourly too: an order becomes overdue the day after its deadline, once, whenever the job runs.
@db_periodic_task(crontab(minute="2"), retries=2, retry_delay=300)
def mark_orders_overdue() -> None:
    """责令逾期: record every open order whose deadline has passed as overdue."""
    count = mark_overdue_orders(timezone.localdate())
    if count:
        logger.info("marked %d orders overdue", count)


@db_periodic_task(crontab(minute="3", hour="2"), retries=2, retry_delay=300)
def erase_complaint_contacts() -> None:
    """Daily: erase the contact details of complaints closed longer ago than they are kept."""
    count = erase_expired_contacts()
    if count:
        logger.info("erased the contact details of %d closed complaints", count)
