"""Answers read from the event log: status history and the status on any past date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from greencert.certification.models import Certificate
from greencert.core.models import CertificateEvent


def end_of_day(day: dt.date) -> dt.datetime:
    """The status "on" a date is the status at the end of that day, Beijing time."""
    return dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )


def status_history(certificate: Certificate) -> list[CertificateEvent]:
    return list(CertificateEvent.objects.filter(certificate=certificate).order_by("sequence"))


def status_on(certificate_id: int, day: dt.date) -> str | None:
    """The status code on ``day``, or None if the certificate had not been issued by then."""
    return (
        CertificateEvent.objects.filter(
            certificate_id=certificate_id, effective_at__lt=end_of_day(day)
        )
        .order_by("-sequence")
        .values_list("status_after", flat=True)
        .first()
    )


def status_from_events(events: list[CertificateEvent], day: dt.date) -> str | None:
    """The same answer as ``status_on`` from events already loaded (ordered by sequence)."""
    limit = end_of_day(day)
    status = None
    for event in events:
        if event.effective_at < limit:
            status = event.status_after
    return status
