"""``/statistics/``: the dashboard, each chart's CSV, and the regulators' target form."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language

from greencert.core.actors import Actor
from greencert.core.errors import UserFacingError, ValidationFailed
from greencert.portal.statistics import CHARTS, dashboard
from greencert.portal.targets import COMPARISONS, add_target, indicators
from greencert.regions.models import Region


def as_of(request: HttpRequest) -> dt.date:
    raw = request.GET.get("as_of", "").strip()
    today = timezone.localdate()
    if not raw:
        return today
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or day > today or day.year < 2000:
        raise ValidationFailed(
            field="as_of",
            value=raw,
            expected_zh=f"2000-01-01 到今天（{today.isoformat()}）之间的日期，格式 YYYY-MM-DD",
            expected_en=f"a date from 2000-01-01 to today ({today.isoformat()}) as YYYY-MM-DD",
        )
    return day


def _message(error: UserFacingError) -> str:
    return error.message_en if (get_language() or "").startswith("en") else error.message_zh


def statistics_page(request: HttpRequest) -> HttpResponse:
    try:
        day = as_of(request)
    except UserFacingError as error:
        context = {"error": _message(error), "charts": [], "as_of": request.GET.get("as_of", "")}
        return render(request, "portal/statistics.html", context, status=400)
    language = get_language() or "zh-hans"
    charts = dashboard(day, language)
    return render(
        request,
        "portal/statistics.html",
        {
            "charts": charts,
            "chart_data": {c.name: c.as_dict() for c in charts},
            "as_of": day.isoformat(),
            "today": timezone.localdate().isoformat(),
        },
    )


def chart_csv(request: HttpRequest, name: str) -> HttpResponse:
    if name not in CHARTS:
        raise Http404(name)
    try:
        day = as_of(request)
    except UserFacingError as error:
        return HttpResponse(_message(error), status=400, content_type="text/plain; charset=utf-8")
    chart = next(c for c in dashboard(day, get_language() or "zh-hans") if c.name == name)
    response = HttpResponse(chart.as_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="greencert-{name}-{day.isoformat()}.csv"'
    )
    return response


@login_required
def new_target(request: HttpRequest) -> HttpResponse:
    language = get_language() or "zh-hans"
    regions = Region.objects.filter(level__in=["province", "city"]).order_by("code")
    context: dict[str, object] = {
        "regions": [(r.code, r.name(language)) for r in regions],
        "indicators": [(i.code, i.name(language)) for i in indicators().values()],
        "comparisons": COMPARISONS,
        "error": None,
        "posted": request.POST,
    }
    if request.method == "POST":
        try:
            add_target(
                Actor.for_user(request.user),
                region_code=request.POST.get("region", ""),
                indicator=request.POST.get("indicator", ""),
                year=_number("year", request.POST.get("year", "")),
                value=_number("value", request.POST.get("value", "")),
                comparison=request.POST.get("comparison", ">="),
                source=request.POST.get("source", "")[:200],
            )
        except UserFacingError as error:
            context["error"] = _message(error)
            status = 403 if error.http_status == 403 else 400
            return render(request, "portal/target_form.html", context, status=status)
        return redirect("/statistics/#chart-targets")
    return render(request, "portal/target_form.html", context)


def _number(field: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(
            field=field, value=raw, expected_zh="整数", expected_en="a whole number"
        ) from None
