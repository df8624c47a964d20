"""``/search``: the public search page over certificates, enterprises and bodies."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from greencert.catalog.models import Category
from greencert.certification import lifecycle
from greencert.core.errors import UserFacingError
from greencert.core.query import read_query
from greencert.exchange.replication.answers import search_foreign
from greencert.parties.models import CertificationBody
from greencert.portal.filters import SearchFilters
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
    }


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
        # An empty form is a page to search from, not a search for everything.
        page = pages.paginate_queryset(Search(filters), paging, request) if echo else None
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
    if page is not None:
        hits = page["items"]
        for hit in hits:
            if hit.get("status"):
                hit["status_label"] = hit["status"]["label_en" if en else "label_zh"]
            category = hit.get("category")
            if category:
                hit["category_name"] = category["name_en" if en else "name_zh"]
        context.update(
            hits=hits,
            searched=True,
            next_url=(
                "?" + urlencode({**echo, "cursor": page["next_cursor"]})
                if page["next_cursor"]
                else ""
            ),
        )
    return render(request, "portal/search.html", context)
