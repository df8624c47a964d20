"""Certificate counts on any date, from the event log: the registry tallies and their upkeep.

Every event that changes a certificate's status moves one certificate out of its old status and
into its new one on the (Beijing) day the event takes effect; the projection records that as
net changes per day, month and year (``RegistryTally``). ``counts_on(day)`` sums them; ``recount``
derives the same figures from the event log alone, certificate by certificate, and must agree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from greencert.certification.lifecycle import EventType
from greencert.certification.lifecycle.history import issued_on, statuses_on
from greencert.certification.models import Certificate, CertificateEvent
from greencert.portal.models import RegistryTally

TABLE = RegistryTally._meta.db_table
EVENTS = CertificateEvent._meta.db_table
KEY = "period, day, city_code, category_code, in_pilot_zone, status"
UPSERT = (
    f"INSERT INTO {TABLE} ({KEY}, delta, issued) VALUES {{values}} "
    f"ON CONFLICT ({KEY}) DO UPDATE SET delta = {TABLE}.delta + excluded.delta, "
    f"issued = {TABLE}.issued + excluded.issued"
)
# Rows per upsert statement: 8 parameters each, well under SQLite's 32,766.
UPSERT_ROWS = 500
# (city code, category code, in the pilot zone, status)
Cell = tuple[str, str, bool, str]


@dataclass
class Counts:
    """Certificates per cell on one date, and certificates issued per month up to it."""

    day: dt.date
    cells: Counter[Cell] = field(default_factory=Counter)
    issued_by_month: dict[str, int] = field(default_factory=dict)

    def nonzero(self) -> dict[Cell, int]:
        return {cell: n for cell, n in self.cells.items() if n}


def period_starts(day: dt.date) -> dict[str, dt.date]:
    return {
        "day": day,
        "month": day.replace(day=1),
        "year": day.replace(month=1, day=1),
        "issued": day.replace(day=1),
    }


def record_event(event: CertificateEvent) -> None:
    """Projection: the event's status change, counted on the day it takes effect."""
    record_events([event])


def record_events(events: list[CertificateEvent]) -> None:
    """Projection of events appended together: their status changes, summed per tally row, in one
    statement per few hundred rows."""
    moving = [event for event in events if event.status_before != event.status_after]
    if not moving:
        return
    dims = {
        row["pk"]: (row["city_code"], row["category__code"], row["in_pilot_zone"])
        for row in Certificate.objects.filter(
            pk__in={event.certificate_id for event in moving}
        ).values("pk", "city_code", "category__code", "in_pilot_zone")
    }
    totals: dict[tuple[Any, ...], list[int]] = {}

    def add(key: tuple[Any, ...], delta: int, issued: int) -> None:
        total = totals.setdefault(key, [0, 0])
        total[0] += delta
        total[1] += issued

    for event in moving:
        day = timezone.localtime(event.effective_at).date()
        issued = 1 if event.event_type == EventType.ISSUED else 0
        for period, start in period_starts(day).items():
            if period == "issued":
                if issued:
                    add((period, start, "", "", False, ""), 0, 1)
                continue
            cell = dims[event.certificate_id]
            add((period, start, *cell, event.status_after), 1, issued)
            if event.status_before:
                add((period, start, *cell, event.status_before), -1, 0)
    rows = [(*key, delta, issued) for key, (delta, issued) in totals.items()]
    with connection.cursor() as cursor:
        for first in range(0, len(rows), UPSERT_ROWS):
            chunk = rows[first : first + UPSERT_ROWS]
            marks = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(UPSERT.format(values=marks), [v for row in chunk for v in row])


def _local_day_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"(({column}) AT TIME ZONE '{timezone.get_current_timezone_name()}')::date"
    offset = timezone.localtime(timezone.now()).utcoffset() or dt.timedelta()
    return f"date({column}, '{int(offset.total_seconds())} seconds')"


def _trunc_sql(unit: str, column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('{unit}', {column})::date"
    return f"date({column}, 'start of {unit}')"


def rebuild_tallies() -> int:
    """Recompute every tally from the event log in a few set-based statements; returns the rows."""
    day = _local_day_sql("e.effective_at")
    changed = "e.status_after <> e.status_before"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(
            f"INSERT INTO {TABLE} ({KEY}, delta, issued) "
            "SELECT 'day', s.day, c.city_code, k.code, c.in_pilot_zone, s.status, "
            "SUM(s.delta), SUM(s.issued) FROM ("
            f"  SELECT e.certificate_id, {day} AS day, e.status_after AS status, 1 AS delta, "
            f"   CASE WHEN e.event_type = '{EventType.ISSUED.value}' THEN 1 ELSE 0 END AS issued "
            f"  FROM {EVENTS} e WHERE {changed} "
            "  UNION ALL "
            f"  SELECT e.certificate_id, {day}, e.status_before, -1, 0 "
            f"  FROM {EVENTS} e WHERE {changed} AND e.status_before <> ''"
            ") s JOIN certification_certificate c ON c.id = s.certificate_id "
            "JOIN catalog_category k ON k.id = c.category_id "
            "GROUP BY s.day, c.city_code, k.code, c.in_pilot_zone, s.status"
        )
        for period, unit in (("month", "month"), ("year", "year")):
            cursor.execute(
                f"INSERT INTO {TABLE} ({KEY}, delta, issued) "
                f"SELECT '{period}', {_trunc_sql(unit, 'day')}, city_code, category_code, "
                f"in_pilot_zone, status, SUM(delta), SUM(issued) FROM {TABLE} WHERE period = 'day' "
                f"GROUP BY {_trunc_sql(unit, 'day')}, city_code, category_code, in_pilot_zone, status"
            )
        cursor.execute(
            f"INSERT INTO {TABLE} ({KEY}, delta, issued) "
            f"SELECT 'issued', day, '', '', %s, '', 0, SUM(issued) FROM {TABLE} "
            "WHERE period = 'month' GROUP BY day HAVING SUM(issued) > 0",
            [False],
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {TABLE}")
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return int(cursor.fetchone()[0])


def counts_on(day: dt.date) -> Counts:
    """The counts at the end of ``day`` (Beijing time), from the tallies."""
    starts = period_starts(day)
    counts = Counts(day)
    parts = [
        ("year", "day < %s", [starts["year"]]),
        ("month", "day >= %s AND day < %s", [starts["year"], starts["month"]]),
        ("day", "day >= %s AND day <= %s", [starts["month"], day]),
    ]
    partial_month = 0
    with connection.cursor() as cursor:
        for period, condition, params in parts:
            cursor.execute(
                "SELECT city_code, category_code, in_pilot_zone, status, SUM(delta), SUM(issued) "
                f"FROM {TABLE} WHERE period = %s AND {condition} "
                "GROUP BY city_code, category_code, in_pilot_zone, status",
                [period, *params],
            )
            for city, category, pilot, status, delta, issued in cursor.fetchall():
                counts.cells[city, category, bool(pilot), status] += int(delta)
                if period == "day":
                    partial_month += int(issued)
        cursor.execute(
            f"SELECT day, issued FROM {TABLE} WHERE period = 'issued' AND day < %s ORDER BY day",
            [starts["month"]],
        )
        for month, issued in cursor.fetchall():
            counts.issued_by_month[str(month)[:7]] = int(issued)
    if partial_month:
        counts.issued_by_month[starts["month"].isoformat()[:7]] = partial_month
    return counts


def recount(day: dt.date) -> Counts:
    """The same figures as ``counts_on`` from the event log alone (slow: for checks and tests)."""
    dims = {
        pk: (city, category, bool(pilot))
        for pk, city, category, pilot in Certificate.objects.values_list(
            "pk", "city_code", "category__code", "in_pilot_zone"
        ).iterator()
    }
    issued: dict[str, int] = defaultdict(int)
    for issue_day in issued_on(day).values():
        issued[issue_day.isoformat()[:7]] += 1
    counts = Counts(day, issued_by_month=dict(sorted(issued.items())))
    for certificate_id, status in statuses_on(day).items():
        counts.cells[(*dims[certificate_id], status)] += 1
    return counts
