"""The task queue as the rest of the code sees it: the worker's heartbeat, and due work run in place.

Tasks live in each app's ``tasks.py`` (huey's ``db_task`` and ``db_periodic_task``); ``greencert
worker`` runs them. The heartbeat is kept in the queue's own storage, which the web process reads
too, so ``/healthz`` can tell a live worker from a dead one.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "greencert.worker.heartbeat"
# The heartbeat task runs every minute; three missed beats mean the worker is gone or stuck.
HEARTBEAT_STALE_AFTER = dt.timedelta(minutes=3)


def load_tasks() -> None:
    """Import every app's ``tasks.py``, which registers its tasks and their schedules."""
    autodiscover_modules("tasks")


# A web process answers /healthz from the beat it read in the last few seconds: reading the
# queue's storage costs more than the rest of the check, and a beat comes once a minute.
HEARTBEAT_REUSE_SECONDS = 5.0
_read: tuple[float, dt.datetime | None] | None = None


def record_heartbeat(now: dt.datetime | None = None) -> None:
    HUEY.put(HEARTBEAT_KEY, (now or timezone.now()).isoformat())
    forget_heartbeat()


def forget_heartbeat() -> None:
    """Read the queue's storage on the next check (after the storage was emptied, say)."""
    global _read
    _read = None


def last_heartbeat() -> dt.datetime | None:
    global _read
    clock = time.monotonic()
    if _read is not None and clock - _read[0] < HEARTBEAT_REUSE_SECONDS:
        return _read[1]
    value = HUEY.get(HEARTBEAT_KEY, peek=True)
    beat = dt.datetime.fromisoformat(value) if value else None
    _read = (clock, beat)
    return beat


def worker_health(now: dt.datetime | None = None) -> dict[str, Any]:
    """``state``: ok, stale (no beat for three minutes), missing (never beat) or unreachable."""
    now = now or timezone.now()
    try:
        beat = last_heartbeat()
    except Exception as exc:  # the queue's storage is down: say so rather than fail the check
        return {"state": "unreachable", "last_heartbeat": None, "error": str(exc)[:200]}
    if beat is None:
        return {"state": "missing", "last_heartbeat": None}
    return {
        "state": "stale" if now - beat > HEARTBEAT_STALE_AFTER else "ok",
        "last_heartbeat": beat.isoformat(),
        "seconds_since": int((now - beat).total_seconds()),
    }


def run_waiting_tasks() -> int:
    """Execute, here, every task waiting in the queue or scheduled for now or earlier, including
    the ones they enqueue, until none is left; returns how many ran."""
    ran = 0
    while True:
        tasks = HUEY.read_schedule() or [HUEY.dequeue()]
        if tasks == [None]:
            return ran
        for task in tasks:
            HUEY.execute(task)
            ran += 1


@contextmanager
def tasks_run_inline() -> Iterator[None]:
    """Tasks enqueued inside the block run at once, in this process (huey's immediate mode);
    tasks scheduled for later are dropped at the end of the block."""
    previous = HUEY.immediate
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = previous


def run_periodic_tasks_once() -> list[str]:
    """Run every periodic task once, here, whatever its schedule, each task it enqueues at once
    with it; returns their names."""
    names = []
    with tasks_run_inline():
        # huey lists periodic tasks only through its registry; each entry is a fresh task.
        for task in HUEY._registry.periodic_tasks:
            HUEY.execute(task)
            names.append(task.name)
    return names
