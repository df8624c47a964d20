"""``greencert worker``: the task worker — webhooks every few seconds, and the daily jobs.

The daily jobs (expiry of certificates, the end of blacklist periods, then the open-data export
of the register as it stands after them) run in a thread of their own, so a long export never
holds up webhook deliveries.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone

from greencert.certification.actions import expire_due_certificates
from greencert.exchange.webhooks import deliver_due, dispatch_all
from greencert.portal.opendata import export_register, exported_on
from greencert.supervision.actions import end_expired_listings


def run_daily_jobs(today: dt.date) -> list[str]:
    """The day's jobs, in order; returns what each did."""
    done = [f"expired {expire_due_certificates(today)} certificates"]
    done.append(f"ended {end_expired_listings(today)} blacklist listings")
    if not exported_on(today):
        export_register(today)
        done.append("exported the open-data register")
    return done


class Command(BaseCommand):
    help = (
        "Run the background jobs: webhook deliveries every few seconds; expiry, blacklist period "
        "ends and the open-data export once a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between passes")

    def _daily(self, today: dt.date) -> None:
        try:
            for line in run_daily_jobs(today):
                self.stdout.write(f"{timezone.now():%H:%M:%S} {line}")
        finally:
            connection.close()

    def handle(self, *args: Any, **options: Any) -> None:
        last_day: dt.date | None = None
        daily: threading.Thread | None = None
        while True:
            close_old_connections()
            today = timezone.localdate()
            if last_day != today and (daily is None or not daily.is_alive()):
                last_day = today
                daily = threading.Thread(target=self._daily, args=(today,), daemon=True)
                daily.start()
            queued = dispatch_all()
            sent = deliver_due()
            if queued or sent:
                self.stdout.write(f"{timezone.now():%H:%M:%S} queued {queued}, delivered {sent}")
            if options["once"]:
                if daily is not None:
                    daily.join()
                return
            time.sleep(options["interval"])
