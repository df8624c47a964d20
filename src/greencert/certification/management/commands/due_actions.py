"""``greencert due_actions``: the lifecycle rules over the registry — suspensions that ran out,
failed or overdue surveillance — put what is due in the issuing bodies' queues, and deadlines
that passed are recorded. The hourly job does the same; this runs it now, or for a given day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from greencert.certification.due_rules import find_due_actions, mark_overdue_due_actions


class Command(BaseCommand):
    help = (
        "Put revocations and suspensions the lifecycle rules make due in the issuing bodies' "
        "queues, and record the deadlines that passed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="the day to apply the rules on (YYYY-MM-DD); default: today",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        made = find_due_actions(today)
        overdue = mark_overdue_due_actions(today)
        self.stdout.write(
            f"due: {made['suspension_ran_out']} revocations (suspension ran out), "
            f"{made['surveillance_failed']} suspensions (surveillance failed), "
            f"{made['surveillance_overdue']} suspensions (surveillance overdue); "
            f"overdue: {overdue}"
        )
