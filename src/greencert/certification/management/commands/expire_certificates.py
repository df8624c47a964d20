"""``greencert expire_certificates``: the daily job that records 过期失效 for ended certificates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from greencert.certification.actions import expire_due_certificates


class Command(BaseCommand):
    help = "Expire every valid or suspended certificate whose validity period has ended."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_due_certificates(options["today"])
        self.stdout.write(f"expired {count} certificates")
