"""``/catalog/``: the unified catalog and standards list, with CSV, XLSX and JSON downloads."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext

from greencert.portal.catalog_list import as_csv, as_json, as_xlsx, catalog_rows

DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", as_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", as_xlsx),
    "json": ("application/json; charset=utf-8", as_json),
}


def requested_day(request: HttpRequest) -> tuple[dt.date, str]:
    """``?on=YYYY-MM-DD`` (default today), and the error message when it is not a date."""
    text = request.GET.get("on", "").strip()
    if not text:
        return timezone.localdate(), ""
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError:
        message = gettext("on: '%(value)s' is not a date; expected a date such as 2025-01-01") % {
            "value": text
        }
        return timezone.localdate(), message


def catalog_page(request: HttpRequest) -> HttpResponse:
    day, problem = requested_day(request)
    if problem:
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    rows = catalog_rows(day)
    wanted = request.GET.get("format", "")
    if wanted:
        if wanted not in DOWNLOADS:
            message = gettext(
                "format: '%(value)s' is not valid; expected one of csv, xlsx or json"
            ) % {"value": wanted}
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        content_type, render_as = DOWNLOADS[wanted]
        response = HttpResponse(render_as(rows), content_type=content_type)
        name = f"greencert-catalog-{timezone.localdate().isoformat()}.{wanted}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    en = (get_language() or "").startswith("en")
    for row in rows:
        row["name"] = row["name_en"] if en else row["name_zh"]
        for s in row["standards"]:
            s["title"] = s["title_en"] if en and s["title_en"] else s["title_zh"]
        for s in row["schemes"]:
            s["title"] = s["title_en"] if en else s["title_zh"]
    pilot = [row for row in rows if row["pilot_zone"]]
    pilot.sort(key=lambda row: (not row["pilot_confirmed"], row["kind"], row["code"]))
    return render(
        request,
        "portal/catalog.html",
        {"rows": rows, "pilot": pilot, "today": day, "chosen": "on" in request.GET},
    )
