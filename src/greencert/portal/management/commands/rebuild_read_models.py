"""``greencert rebuild_read_models``: rebuild the search index and statistics from the tables."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from greencert.core.projections import rebuild_projections


class Command(BaseCommand):
    help = "Rebuild every read model of the event log (search index, tallies) in one transaction."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            rows = rebuild_projections(lambda stage: self.stdout.write(f"  {stage}"))
        for name, count in rows.items():
            self.stdout.write(f"{name}: {count} rows")
        self.stdout.write(self.style.SUCCESS(f"rebuilt in {time.perf_counter() - started:.1f}s"))
