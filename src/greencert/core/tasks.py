"""The worker's own periodic task: its heartbeat."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import periodic_task

from greencert.core.jobs import record_heartbeat


@periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    """Every minute: proof for ``/healthz`` that the worker runs and its threads take tasks."""
    record_heartbeat()
