"""``greencert worker``: huey's consumer running every app's tasks — webhook deliveries, mail and
the daily jobs — with a thread per task, so one slow or failing task never holds up another."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from huey.consumer_options import ConsumerConfig
from huey.contrib.djhuey import HUEY

from greencert.core.jobs import (
    load_tasks,
    record_heartbeat,
    run_periodic_tasks_once,
    run_waiting_tasks,
)


class Command(BaseCommand):
    help = (
        "Run the background tasks: webhook deliveries every few seconds, notification mail, and "
        "each hour the daily jobs (expiry, end of blacklist periods, open-data export) when due."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="run what waits in the queue, then every periodic task once, and exit",
        )
        parser.add_argument(
            "--threads", type=int, default=None, help="tasks run at the same time (default 4)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        load_tasks()
        self._log_to_stdout()
        record_heartbeat()
        if options["once"]:
            ran = run_waiting_tasks()
            names = run_periodic_tasks_once()
            self.stdout.write(f"ran {ran} waiting tasks, then {', '.join(names)}")
            return
        config = dict(settings.HUEY.get("consumer", {}))
        if options["threads"]:
            config["workers"] = options["threads"]
        consumer_config = ConsumerConfig(**config)
        consumer_config.validate()
        HUEY.create_consumer(**consumer_config.values).run()

    @staticmethod
    def _log_to_stdout() -> None:
        """The consumer's and the tasks' reports (what each job did) go to standard output."""
        for name in ("huey", "greencert"):
            logger = logging.getLogger(name)
            if not any(getattr(h, "greencert_worker", False) for h in logger.handlers):
                handler = logging.StreamHandler(sys.stdout)
                handler.greencert_worker = True  # type: ignore[attr-defined]
                handler.setFormatter(
                    logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s")
                )
                logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            logger.propagate = False  # the root handler would print each line a second time
