"""``greencert worker``: the task worker — webhooks, the daily expiry and the open-data export."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from greencert.certification.actions import expire_due_certificates
from greencert.exchange.webhooks import deliver_due, dispatch_all
from greencert.portal.opendata import export_register, exported_on


class Command(BaseCommand):
    help = "Run the background jobs: webhook deliveries every few seconds, expiry and the open-data export once a day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between passes")

    def handle(self, *args: Any, **options: Any) -> None:
        last_expiry_day = None
        while True:
            close_old_connections()
            queued = dispatch_all()
            sent = deliver_due()
            today = timezone.localdate()
            if last_expiry_day != today:
                expired = expire_due_certificates(today)
                last_expiry_day = today
                if expired:
                    self.stdout.write(f"{timezone.now():%H:%M:%S} expired {expired} certificates")
                if not exported_on(today):
                    export_register(today)  # the day's open-data export, after the expiries
            if queued or sent:
                self.stdout.write(f"{timezone.now():%H:%M:%S} queued {queued}, delivered {sent}")
            if options["once"]:
                return
            time.sleep(options["interval"])
