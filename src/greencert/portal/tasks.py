"""The portal's task: the day's open-data export."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from greencert.certification.actions import expire_due_certificates
from greencert.portal.opendata import export_register, exported_on
from greencert.supervision.actions import end_expired_listings

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="10"), retries=2, retry_delay=600)
def export_open_data() -> None:
    """Once a day, at the first hourly check: the register as it stands after the day's expiries
    and blacklist period ends, which run first here too so the order never depends on timing."""
    today = timezone.localdate()
    if exported_on(today):
        return
    expire_due_certificates(today)
    end_expired_listings(today)
    export_register(today)
    logger.info("exported the open-data register of %s", today.isoformat())
