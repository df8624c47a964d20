"""``greencert mark_overdue_orders``: the daily job recording orders past their deadline."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from greencert.supervision.orders import mark_overdue_orders


class Command(BaseCommand):
    help = "Record every regulator's order still open after its deadline as overdue."

    def handle(self, *args: Any, **options: Any) -> None:
        count = mark_overdue_orders()
        self.stdout.write(f"{count} order(s) became overdue")
