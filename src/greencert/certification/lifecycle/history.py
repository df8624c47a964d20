"""The one history API: what the event log says about certificates.

Every reader — the API, the verify page, office pages, batch verification, receipts, credentials,
tallies and statistics — asks here for a certificate's events, its status on a date, or the
status of many certificates on a date; none reads the log its own way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from greencert.certification.lifecycle.models import CertificateEvent

_PUBLIC = (
    "id, sequence, event_type, status_before, status_after, reason_code, effective_at, recorded_at"
)
_SQL = "SELECT {columns} FROM {table} WHERE certificate_id = %s ORDER BY sequence"
HISTORY_SQL = _SQL.format(columns=_PUBLIC, table=CertificateEvent._meta.db_table)
DETAILED_HISTORY_SQL = _SQL.format(
    columns=f"{_PUBLIC}, actor_label, payload", table=CertificateEvent._meta.db_table
)


def end_of_day(day: dt.date) -> dt.datetime:
    """The status "on" a date is the status at the end of that day, Beijing time."""
    return dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


# An event as the public sees it: these columns, in this order, make one row of ``history``.
HISTORY_FIELDS = (
    "sequence",
    "event_type",
    "status_before",
    "status_after",
    "reason_code",
    "effective_at",
    "recorded_at",
)


def history_row(
    sequence: int,
    event_type: str,
    status_before: str,
    status_after: str,
    reason_code: str,
    effective_at: dt.datetime,
    recorded_at: dt.datetime,
) -> dict[str, Any]:
    """One row of ``history`` from the values of ``HISTORY_FIELDS``."""
    return {
        "sequence": sequence,
        "type": event_type,
        "status_before": status_before,
        "status_after": status_after,
        "reason_code": reason_code,
        "effective_at": effective_at,
        "recorded_at": recorded_at,
    }


def history(certificate_id: int, *, details: bool = False) -> list[dict[str, Any]]:
    """The certificate's events in sequence order, as the public sees them; with ``details``,
    also who recorded each (``actor``) and what it carried (``payload``), for office pages."""
    rows = []
    # Fixed SQL: this runs on every public lookup, where compiling the ORM query costs more
    # than running it.
    sql = DETAILED_HISTORY_SQL if details else HISTORY_SQL
    for e in CertificateEvent.objects.raw(sql, [certificate_id]):
        row = history_row(*(getattr(e, field) for field in HISTORY_FIELDS))
        if details:
            row |= {"actor": e.actor_label, "payload": e.payload}
        rows.append(row)
    return rows


@dataclass(frozen=True)
class StatusOn:
    """A status on a date, with the reason code of the event that brought it about."""

    code: str
    reason_code: str


def status_from_history(rows: Iterable[dict[str, Any]], day: dt.date) -> StatusOn | None:
    """The status at the end of ``day`` from history rows already read (in sequence order), or
    None if the certificate had not been issued by then."""
    limit = end_of_day(day)
    found: StatusOn | None = None
    for row in rows:
        if row["effective_at"] >= limit:
            continue
        if found is None or row["status_after"] != found.code:
            found = StatusOn(row["status_after"], row["reason_code"])
    return found


def status_on(certificate_id: int, day: dt.date) -> str | None:
    """The status code on ``day``, or None if the certificate had not been issued by then."""
    found = status_event_on(certificate_id, day)
    return found[1] if found else None


def status_event_on(certificate_id: int, day: dt.date) -> tuple[int, str] | None:
    """The sequence of the event that gave the certificate its status on ``day``, and that
    status; None if the certificate had not been issued by then."""
    return (
        CertificateEvent.objects.filter(
            certificate_id=certificate_id, effective_at__lt=end_of_day(day)
        )
        .order_by("-sequence")
        .values_list("sequence", "status_after")
        .first()
    )


def latest_sequence(certificate_id: int) -> int | None:
    """The sequence of the certificate's latest event."""
    return (
        CertificateEvent.objects.filter(certificate_id=certificate_id)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )


def statuses_on(day: dt.date, certificate_ids: Iterable[int] | None = None) -> dict[int, str]:
    """Certificate id -> status code on ``day``, for the given certificates (every certificate
    when None), in one query; certificates not yet issued that day are absent."""
    events = CertificateEvent.objects.filter(effective_at__lt=end_of_day(day))
    if certificate_ids is not None:
        events = events.filter(certificate_id__in=list(certificate_ids))
    result: dict[int, str] = {}
    rows = events.order_by("certificate_id", "sequence").values_list(
        "certificate_id", "status_after"
    )
    for certificate_id, status in rows.iterator(chunk_size=5000):
        result[certificate_id] = status
    return result


def issued_on(day: dt.date) -> dict[int, dt.date]:
    """Certificate id -> the local date of its ``issued`` event, for certificates issued by ``day``."""
    rows = CertificateEvent.objects.filter(
        event_type="issued", effective_at__lt=end_of_day(day)
    ).values_list("certificate_id", "effective_at")
    return {pk: timezone.localtime(at).date() for pk, at in rows.iterator(chunk_size=5000)}
