"""The unified standards list (统一标准清单) per scheme: criteria, versions, and an evaluate form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext

from greencert.catalog.api import _scheme_rows
from greencert.catalog.forms import form_fields, submission_from
from greencert.evaluation import SubmissionError, evaluate, load_shipped_schemes

ATTRIBUTES = {
    "resource": ("资源属性", "Resource"),
    "energy": ("能源属性", "Energy"),
    "environment": ("环境属性", "Environment"),
    "quality": ("品质属性", "Quality"),
    "low_carbon": ("低碳属性", "Low carbon"),
}


def scheme_list(request: HttpRequest) -> HttpResponse:
    """Every scheme and the version in force on ``?on=YYYY-MM-DD`` (default today)."""
    text = request.GET.get("on", "").strip()
    try:
        day = dt.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        message = gettext("on: '%(value)s' is not a date; expected a date such as 2025-01-01")
        return HttpResponse(
            message % {"value": text}, status=400, content_type="text/plain; charset=utf-8"
        )
    return render(request, "catalog/scheme_list.html", {"schemes": _scheme_rows(day), "day": day})


def _bars(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Section scores as shares of their maximum, for the bar chart of graded schemes."""
    bars = []
    for section in result.get("sections") or []:
        try:
            score, top = Decimal(section["score"]), Decimal(section["max_points"])
            mark = Decimal(section["pass_mark"]) if section.get("pass_mark") else None
        except (InvalidOperation, TypeError, KeyError):
            continue
        if top <= 0:
            continue
        bars.append(
            {
                "name": section["name"],
                "score": section["score"],
                "max": section["max_points"],
                "width": float(score / top * 100),
                "mark": float(mark / top * 100) if mark else None,
            }
        )
    return bars


def scheme_detail(request: HttpRequest, scheme_id: str) -> HttpResponse:
    registry = load_shipped_schemes()
    rows = _scheme_rows(timezone.localdate(), scheme_id)
    if not rows:
        raise Http404(scheme_id)
    entry = rows[0]
    version = (
        request.GET.get("version") or entry["in_force_version"] or entry["versions"][-1]["version"]
    )
    if version not in {v["version"] for v in entry["versions"]}:
        raise Http404(version)
    scheme = registry.get(scheme_id, version)
    document = scheme.to_dict()["document"]
    language = get_language() or "zh-hans"
    fields = form_fields(document, language)
    context: dict[str, Any] = {
        "entry": entry,
        "version": version,
        "document": document,
        "fields": fields,
        "attributes": {
            k: v[1] if language.startswith("en") else v[0] for k, v in ATTRIBUTES.items()
        },
        "en": language.startswith("en"),
        "posted": {},
        "result": None,
        "errors": [],
    }
    if request.method == "POST":
        context["posted"] = request.POST
        for item in fields["baseline"]:
            item["current"] = request.POST.get(f"baseline__{item['id']}", "")
        for item in fields["values"]:
            item["current"] = request.POST.get(f"value__{item['id']}", "")
        fields["unit_current"] = request.POST.get("certification_unit", "")
        try:
            result = evaluate(scheme, submission_from(request.POST, fields)).to_dict()
        except SubmissionError as exc:
            lang = "en" if language.startswith("en") else "zh"
            context["errors"] = [p.message(lang) for p in exc.problems]
        else:
            context["result"] = result
            context["bars"] = _bars(result)
    return render(request, "catalog/scheme_detail.html", context)
