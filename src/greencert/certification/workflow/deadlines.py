"""Time limits (时限) from the implementation rules, tracked from the application's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from greencert.certification.models import Application, ApplicationStep
from greencert.certification.workflow.machine import TimeLimit, workflow
from greencert.core.workdays import add_working_days


def due_date(limit: TimeLimit, started: dt.date) -> dt.date:
    if limit.working_days:
        return add_working_days(started, limit.days)
    return started + dt.timedelta(days=limit.days)


@dataclass(frozen=True)
class Deadline:
    """One time limit for one application: when its clock started, when it is due, and whether
    it was met (stopped in time), missed (stopped late) or is running and overdue."""

    limit: TimeLimit
    started: dt.date
    due: dt.date
    stopped: dt.date | None

    @property
    def overdue(self) -> bool:
        return self.stopped is None and timezone.localdate() > self.due

    @property
    def missed(self) -> bool:
        return self.stopped is not None and self.stopped > self.due

    @property
    def running(self) -> bool:
        return self.stopped is None


def deadlines(
    application: Application, steps: list[ApplicationStep] | None = None
) -> list[Deadline]:
    """Deadlines whose clock has started; a withdrawn or rejected application has none running."""
    if steps is None:
        steps = list(application.steps.order_by("recorded_at", "id"))
    first: dict[str, dt.date] = {}
    for step in steps:
        first.setdefault(step.transition, timezone.localdate(step.recorded_at))
    closed = application.state in {"rejected", "withdrawn"}
    result = []
    for limit in workflow().time_limits:
        started = first.get(limit.start)
        if started is None:
            continue
        stopped = first.get(limit.stop)
        if stopped is None and closed:
            continue
        result.append(Deadline(limit, started, due_date(limit, started), stopped))
    return result


def overdue(application: Application, steps: list[ApplicationStep] | None = None) -> list[Deadline]:
    return [d for d in deadlines(application, steps) if d.overdue]
