"""``/search``: the public search page over certificates, enterprises and bodies."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from greencert.catalog.models import Category
from greencert.certification import lifecycle
from greencert.core.errors import UserFacingError
from greencert.parties.models import CertificationBody
from greencert.portal.results import hit_dict
from greencert.portal.search import STATUSES, SearchRequest, parse_params, run_search
from greencert.regions.models import Region


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
        "statuses": [(s, lifecycle.status_label(s).get(language)) for s in STATUSES],
        "names": {r.code: (r.name_zh, r.name_en) for r in regions},
    }


def search_page(request: HttpRequest) -> HttpResponse:
    language = get_language() or "zh-hans"
    options = _options(language)
    names = options.pop("names")
    context: dict[str, object] = {"options": options, "hits": [], "error": None, "searched": False}
    try:
        search = parse_params(request.GET)
    except UserFacingError as error:
        context["error"] = error.message_en if language.startswith("en") else error.message_zh
        context["echo"] = {k: v for k, v in request.GET.items() if k != "cursor"}
        return render(request, "portal/search.html", context, status=400)
    context["echo"] = search.echo
    if _asked(search):
        page = run_search(search)
        hits = [
            hit_dict(doc, names, blacklisted=doc.pk in page.blacklisted)  # type: ignore[arg-type]
            for doc in page.documents
        ]
        for hit in hits:
            if hit.get("status"):
                hit["status_label"] = hit["status"][
                    "label_en" if language.startswith("en") else "label_zh"
                ]
            category = hit.get("category")
            if category:
                hit["category_name"] = category[
                    "name_en" if language.startswith("en") else "name_zh"
                ]
        context.update(
            hits=hits,
            searched=True,
            next_url=(
                "?" + urlencode({**search.echo, "cursor": page.next_cursor})
                if page.next_cursor
                else ""
            ),
        )
    return render(request, "portal/search.html", context)


def _asked(search: SearchRequest) -> bool:
    return bool(search.echo)
