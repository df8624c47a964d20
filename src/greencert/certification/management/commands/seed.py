"""``greencert seed --certificates N --seed S``: a deterministic, realistic data set."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from greencert.certification.models import Certificate
from greencert.certification.seed import seed
from greencert.core.bulk import refresh_statistics


class Command(BaseCommand):
    help = (
        "Generate bodies, enterprises and certificates with full event histories (确定性演示数据)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--certificates", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="the date the data set ends on (default: today); fixes the output",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when certificates already exist"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["certificates"]
        if count < 1:
            raise CommandError(f"--certificates {count}: expected a positive number / 应为正整数")
        existing = Certificate.objects.count()
        if existing:
            if options["if_empty"]:
                self.stdout.write(f"{existing} certificates already present; seed skipped.")
                return
            raise CommandError(
                f"the database already holds {existing} certificates; seed needs an empty registry "
                f"/ 数据库已有 {existing} 张证书，请在空库上生成"
            )
        started, cpu_started = time.perf_counter(), time.process_time()

        def progress(stage: str) -> None:
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            self.stdout.write(f"  {wall:7.1f}s  (cpu {cpu:6.1f}s)  {stage}")

        result = seed(count, options["seed"], options["today"] or timezone.localdate(), progress)
        # Autovacuum may be off or late after a bulk load; the planner needs the new row counts.
        refresh_statistics(changed_rows=0)
        progress("statistics")
        self.stdout.write(
            self.style.SUCCESS(
                f"seeded {result['certificates']} certificates, {result['events']} events, "
                f"{result['enterprises']} enterprises, {result['bodies']} bodies "
                f"in {time.perf_counter() - started:.1f}s (cpu {time.process_time() - cpu_started:.1f}s)"
            )
        )
