"""``/catalog/``: the unified catalog and standards list, with CSV, XLSX and JSON downloads."""

from __future__ import annotations

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


def catalog_page(request: HttpRequest) -> HttpResponse:
    rows = catalog_rows()
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
    return render(request, "portal/catalog.html", {"rows": rows, "today": timezone.localdate()})
