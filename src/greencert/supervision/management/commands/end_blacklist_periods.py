"""``greencert end_blacklist_periods``: the daily job removing listings whose period has ended."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from greencert.supervision.actions import end_expired_listings


class Command(BaseCommand):
    help = "Remove blacklist listings whose period has ended and lift their certificate flags."

    def handle(self, *args: Any, **options: Any) -> None:
        count = end_expired_listings()
        self.stdout.write(f"{count} listing(s) ended at their period end")
