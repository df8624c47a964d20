"""Working days (工作日) on the Chinese calendar: weekends and public holidays are not counted,
adjusted working days (调休上班) are.

Years come from ``data/working_calendar.yaml`` when listed there, else from the
``chinesecalendar`` package; a year in neither is counted Monday–Friday and reported as not
covered, so a deadline in it is shown as provisional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import chinese_calendar
import yaml

DATA_FILE = Path(__file__).parent / "data" / "working_calendar.yaml"


@dataclass(frozen=True)
class YearCalendar:
    holidays: frozenset[dt.date]
    working_days: frozenset[dt.date]


def _days(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}


@cache
def _overrides() -> dict[int, YearCalendar]:
    data: dict[str, Any] = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    years = {}
    for year, spec in (data.get("years") or {}).items():
        holidays: set[dt.date] = set()
        for first, last in spec["holidays"]:
            holidays |= _days(first, last)
        working = set(spec.get("working_days") or [])
        stray = [d for d in holidays | working if d.year != int(year)]
        if stray or holidays & working:
            raise ValueError(f"{DATA_FILE.name}: year {year} has days outside it or in both lists")
        years[int(year)] = YearCalendar(frozenset(holidays), frozenset(working))
    return years


@cache
def _package_years() -> range:
    years = {d.year for d in chinese_calendar.holidays}
    return range(min(years), max(years) + 1)


def covered(day: dt.date) -> bool:
    """Whether the holiday arrangement of ``day``'s year is known."""
    return day.year in _overrides() or day.year in _package_years()


def is_working_day(day: dt.date) -> bool:
    override = _overrides().get(day.year)
    if override is not None:
        if day in override.working_days:
            return True
        return day.weekday() < 5 and day not in override.holidays
    if day.year in _package_years():
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start`` (``start`` itself is not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` ≤ ``start``)."""
    return sum(
        1 for i in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=i))
    )


def deadline_is_provisional(start: dt.date, deadline: dt.date) -> bool:
    """Whether some year between ``start`` and ``deadline`` has no known holiday arrangement."""
    return any(not covered(dt.date(year, 1, 1)) for year in range(start.year, deadline.year + 1))
