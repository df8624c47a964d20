"""``/catalog/``: the unified catalog and standards list, with CSV, XLSX and JSON downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
        row["standards_in_force"] = [s for s in row["standards"] if s["in_force"]]
        row["unconfirmed"] = (", " if en else "、").join(_unconfirmed(row))
    pilot = [row for row in rows if row["pilot_zone"]]
    pilot.sort(key=lambda row: (not row["pilot_confirmed"], row["kind"], row["code"]))
    return render(
        request,
        "portal/catalog.html",
        {
            "groups": _groups(rows),
            "pilot": pilot,
            "today": day,
            "chosen": "on" in request.GET,
        },
    )


def _groups(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The categories under the headings people look for: products by batch, then services,
    then the pilot zone's own fields (in no national batch)."""
    groups: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for row in rows:
        place = 2 if not row["batch"] else (1 if row["kind"] == "service" else 0)
        groups.setdefault((place, row["batch"] or 0), []).append(row)
    headings = []
    for (place, batch), members in sorted(groups.items()):
        if place == 2:
            heading = gettext("Fields of the pilot zone, in no national batch")
        elif place == 1:
            heading = gettext("Green services, batch %(batch)s") % {"batch": batch}
        else:
            heading = gettext("Green products, batch %(batch)s") % {"batch": batch}
        headings.append((heading, members))
    return headings


def _unconfirmed(row: dict[str, Any]) -> list[str]:
    """The facts of a category no official text confirms, in words, for its source line."""
    facts = []
    if not row["confirmed"]:
        facts.append(gettext("the category"))
    if row["certification_units"] and not row["units_confirmed"]:
        facts.append(gettext("the certification units"))
    if row["pilot_zone"] and not row["pilot_confirmed"]:
        facts.append(gettext("the pilot-zone listing"))
    if row["rule"] and not row["rule"]["confirmed"]:
        facts.append(gettext("the implementation rule"))
    for s in row["standards"]:
        if not s["confirmed"] or (s["citable_until"] and not s["transition_confirmed"]):
            facts.append(s["code"])
    return facts
