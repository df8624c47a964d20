"""``greencert worker``: huey's consumer running every app's tasks — webhook deliveries, mail and
the daily jobs — with a thread per task, so one slow or failing task never holds up another."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
        with _reports_to_stdout():
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


@contextmanager
def _reports_to_stdout() -> Iterator[None]:
    """What each job did, and the consumer's start and stop, go to standard output; huey's line
    per task run (every two seconds for the webhook rounds) only when the task fails."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    levels = {"greencert": logging.INFO, "huey": logging.WARNING, "huey.consumer": logging.INFO}
    saved = {}
    for name, level in levels.items():
        logger = logging.getLogger(name)
        saved[name] = (logger.level, logger.propagate)
        logger.setLevel(level)
        if name != "huey.consumer":  # its lines reach the handler of "huey"
            logger.addHandler(handler)
            logger.propagate = False  # the root handler would print each line a second time
    try:
        yield
    finally:
        for name, (level, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate
