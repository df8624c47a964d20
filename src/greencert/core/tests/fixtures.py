"""Helpers shared by every app's tests: dates relative to today, a region by code, a
certificate's events, and the constants the shared fixtures use.

The fixtures themselves (a certification body, the people who act on certificates, certificates)
live in ``greencert/conftest.py``, so every app's tests see them without importing anything:
``def test_x(issued_certificate, body_staff): ...``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from greencert.certification.models import Certificate, CertificateEvent
from greencert.core.actors import Actor
from greencert.regions.models import Region

SYSTEM = Actor.for_system("expiry")
COATINGS_UNIT = "水性外墙涂料"
FURNITURE_UNIT = "实木家具"
# A certificate issued on this day is past its validity (5 years) on any day the suite runs.
LONG_AGO = dt.date(2019, 1, 10)


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def events_of(certificate: Certificate) -> list[CertificateEvent]:
    return list(CertificateEvent.objects.filter(certificate=certificate).order_by("sequence"))


def region(code: str) -> Region:
    return Region.objects.get(code=code)
