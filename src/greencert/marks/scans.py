"""Scan counts of a certificate's mark: totals, recent days and the provinces scans came from.

Many scans from a province where the holder does not sell, or a sudden jump, suggest the mark was
copied onto counterfeit goods (假冒标识). Only daily counts per province are kept. Each client counts
once a day per certificate (told apart by a keyed hash of its address and the day, kept in the
shared cache until the day ends, never the address itself), and the province comes from the front
proxy's header only when the request came through a trusted proxy (GREENCERT_TRUSTED_PROXIES).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from greencert.certification.lifecycle.codes import Label
from greencert.certification.models import Certificate
from greencert.certification.public_certificate import PublicCertificate
from greencert.core.clients import client_fingerprint, from_trusted_proxy
from greencert.core.jinja import url
from greencert.marks.models import MarkScan

PROVINCES = Path(__file__).parent / "data" / "provinces.csv"
REGION_CODE = re.compile(r"^\s*(\d{2})(\d{4})?\s*$")
TOP_REGIONS = 5


@cache
def provinces() -> dict[str, Label]:
    with PROVINCES.open(encoding="utf-8") as f:
        return {row["code"]: Label(row["name_zh"], row["name_en"]) for row in csv.DictReader(f)}


def request_region(request: HttpRequest) -> str:
    """The province (GB/T 2260, e.g. 320000) the front proxy placed the request in, or "" (also
    when the header did not come from a trusted proxy: a client could name any province)."""
    if not from_trusted_proxy(request):
        return ""
    header = getattr(settings, "GREENCERT_GEO_REGION_HEADER", "X-Geo-Region")
    match = REGION_CODE.match(request.headers.get(header, ""))
    if not match:
        return ""
    code = match.group(1) + "0000"
    return code if code in provinces() else ""


def first_scan_today(request: HttpRequest, certificate_id: int) -> bool:
    """Whether this is the client's first scan of the certificate today (and remember that it
    was)."""
    now = timezone.localtime()
    day = now.date()
    fingerprint = client_fingerprint(request, f"scan|{day.isoformat()}|{certificate_id}")
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=now.tzinfo)
    seconds_left = max(1, int((midnight - now).total_seconds()) + 1)
    return bool(caches["shared"].add(f"greencert.scan:{fingerprint}", 1, timeout=seconds_left))


def scan_summary(certificate: Certificate | PublicCertificate, days: int = 30) -> dict[str, Any]:
    """Totals, the last ``days`` days and the top provinces, in one query: the sums per province
    and the sums per recent day, side by side (``UNION ALL``), the totals added up from them."""
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    table = MarkScan._meta.db_table
    sql = (
        f"SELECT region_code, NULL, SUM(count) FROM {table} WHERE certificate_id = %s "
        f"GROUP BY region_code UNION ALL "
        f"SELECT NULL, day, SUM(count) FROM {table} WHERE certificate_id = %s AND day >= %s "
        f"GROUP BY day"
    )
    by_region: list[tuple[str, int]] = []
    by_day: list[dict[str, Any]] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [certificate.pk, certificate.pk, since])
        for region_code, day, n in cursor.fetchall():
            if day is None:
                by_region.append((region_code, int(n)))
            else:
                # SQLite answers a date column of a UNION as text.
                by_day.append({"day": _as_date(day), "scans": int(n)})
    by_region.sort(key=lambda row: (-row[1], row[0]))
    by_day.sort(key=lambda row: row["day"])
    top = []
    for code, n in by_region[:TOP_REGIONS]:
        label = provinces().get(code, Label("未知地区", "unknown region"))
        top.append({"code": code, "name_zh": label.zh, "name_en": label.en, "scans": n})
    return {
        "total": sum(n for _, n in by_region),
        "last_days": days,
        "recent": sum(row["scans"] for row in by_day),
        "top_regions": top,
        "by_day": by_day,
    }


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def panel_context(certificate: Certificate | PublicCertificate) -> dict[str, Any]:
    """What the verify page's mark panel (``marks/verify_panel.html``) shows: the scan counts and
    the addresses of the signed credential and status receipt."""
    return {
        "scans": scan_summary(certificate),
        "credential_url": url("api-v1:certificate_credential", certificate.number),
        "receipt_url": url("api-v1:certificate_receipt", certificate.number),
    }
