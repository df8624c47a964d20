"""``/search``: the public search page over certificates, enterprises and bodies."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from greencert.catalog.models import Category
from greencert.certification import lifecycle
from greencert.core.errors import UserFacingError
from greencert.core.query import read_query
from greencert.exchange.replication.answers import search_foreign
from greencert.parties.models import CertificationBody
from greencert.portal.filters import SearchFilters
from greencert.portal.grades import Grade, grade_words, scheme_grades
from greencert.portal.search import Search, SearchPages
from greencert.regions.models import Region

# Filters the copies of other nodes' certificates cannot answer (their details are labels from a
# credential, not indexed records): a search using one lists this node's certificates only.
FILTERS_NOT_IN_COPIES = frozenset(
    {
        "city",
        "body",
        "grade",
        "issued_from",
        "issued_to",
        "pilot_zone",
        "demonstration_zone",
        "holder",
    }
)


def _options(language: str) -> dict[str, object]:
    en = language.startswith("en")
    regions = list(Region.objects.filter(level__in=["province", "city"]).order_by("code"))
    return {
        "provinces": [(r.code, r.name(language)) for r in regions if r.level == "province"],
        "cities": [(r.code, r.name(language)) for r in regions if r.level == "city"]
        + [(r.code, r.name(language)) for r in regions if r.code == "310000"],
        "categories": [
            (c.code, c.name(language)) for c in Category.objects.order_by("kind", "batch", "code")
        ],
        "bodies": [
            (b.approval_number, (b.name_en if en and b.name_en else b.name))
            for b in CertificationBody.objects.order_by("approval_number")
        ],
        "statuses": [(s, lifecycle.status_label(s).get(language)) for s in lifecycle.Status],
        "grades": [
            (scale, [(g.id, g.name(language)) for g in grades])
            for scale, grades in _grades_by_scale(language)
        ],
        "sorts": [
            ("relevance", _("Best match")),
            ("issued", _("Issue date, newest first")),
            ("expiry", _("Expiry date, soonest first")),
            ("holder", _("Holder's name")),
        ],
    }


def _grades_by_scale(language: str) -> list[tuple[str, list[Grade]]]:
    scales: dict[str, list[Grade]] = {}
    for grade in scheme_grades():
        scales.setdefault(grade.scale(language), []).append(grade)
    return list(scales.items())


# The most rows one export of a search holds (the first in the search's order).
EXPORT_LIMIT = 1000
EXPORT_COLUMNS = (
    ("kind", "类型"),
    ("name", "名称"),
    ("holder", "持证人"),
    ("holder_credit_code", "统一社会信用代码"),
    ("number", "证书编号"),
    ("body_number", "机构证书编号"),
    ("status", "证书状态"),
    ("category", "认证类别"),
    ("city", "地市"),
    ("body", "认证机构"),
    ("issue_date", "颁证日期"),
    ("expiry_date", "有效期至"),
    ("grade", "等级"),
    ("url", "查验地址"),
)


def _export(filters: SearchFilters, echo: dict[str, str], language: str) -> HttpResponse:
    """The current search's results as CSV (UTF-8 with BOM, for Excel), in the search's order."""
    en = language.startswith("en")
    rows = SearchPages().present(Search(filters).page(None, EXPORT_LIMIT))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{zh} {key}" for key, zh in EXPORT_COLUMNS])
    for hit in rows:
        status = hit.get("status") or {}
        category = hit.get("category") or {}
        city = hit.get("city") or {}
        holder = hit.get("holder") or {}
        body = hit.get("body") or {}
        writer.writerow(
            [
                hit.get("kind", ""),
                hit.get("name", ""),
                holder.get("name", ""),
                holder.get("id", ""),
                hit.get("key", "") if hit.get("kind") == "certificate" else "",
                hit.get("body_number", ""),
                status.get("label_en" if en else "label_zh", ""),
                category.get("name_en" if en else "name_zh", ""),
                city.get("name_en" if en else "name_zh", ""),
                body.get("name", ""),
                hit.get("issue_date") or "",
                hit.get("expiry_date") or "",
                grade_words(hit.get("grade") or "", language),
                hit.get("url", ""),
            ]
        )
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="search-{day}.csv"'
    return response


def search_page(request: HttpRequest) -> HttpResponse:
    language = get_language() or "zh-hans"
    en = language.startswith("en")
    context: dict[str, object] = {
        "options": _options(language),
        "hits": [],
        "error": None,
        "searched": False,
    }
    pages = SearchPages()
    try:
        filters = read_query(SearchFilters, request.GET)
        paging = read_query(SearchPages.Input, request.GET)
        echo = filters.echo()
        # An empty form is a page to search from, not a search for everything; the order alone
        # is not a search either.
        search = Search(filters)
        asked = set(echo) - {"sort"}
        page = pages.paginate_queryset(search, paging, request) if asked else None
    except UserFacingError as error:
        context["error"] = error.message_en if en else error.message_zh
        context["echo"] = {k: v for k, v in request.GET.items() if k != "cursor"}
        return render(request, "portal/search.html", context, status=400)
    context["echo"] = echo
    if (
        page is not None
        and not request.GET.get("cursor")
        and echo.get("kind", "certificate") == "certificate"
        and not set(echo) & FILTERS_NOT_IN_COPIES
    ):
        # Certificates other provincial nodes are authoritative for, from this node's copy.
        context["foreign_hits"] = search_foreign(
            echo.get("q", ""),
            status=echo.get("status", ""),
            province=echo.get("province", ""),
            category=echo.get("category", ""),
            language=language,
        )
    if page is not None and request.GET.get("format") == "csv":
        return _export(filters, echo, language)
    if page is not None:
        hits = page["items"]
        total, exact = search.count()
        context.update(total=total, total_exact=exact)
        for hit in hits:
            if hit.get("grade"):
                hit["grade_words"] = grade_words(hit["grade"], language)
            if hit.get("status"):
                hit["status_label"] = hit["status"]["label_en" if en else "label_zh"]
            category = hit.get("category")
            if category:
                hit["category_name"] = category["name_en" if en else "name_zh"]
        context.update(
            hits=hits,
            searched=True,
            export_url="?" + urlencode({**echo, "format": "csv"}),
            export_limit=EXPORT_LIMIT,
            next_url=(
                "?" + urlencode({**echo, "cursor": page["next_cursor"]})
                if page["next_cursor"]
                else ""
            ),
        )
    return render(request, "portal/search.html", context)
