"""The statistics dashboard's figures (统计), all from the registry tallies on one date."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from greencert.catalog.models import Category
from greencert.certification import lifecycle
from greencert.certification.lifecycle import Status
from greencert.portal.models import Target
from greencert.portal.tallies import Counts, counts_on
from greencert.portal.targets import Indicator, indicators, unmeasured_targets
from greencert.regions.models import Region

VALID = Status.VALID
CHARTS = ("provinces", "cities", "categories", "monthly", "statuses", "pilot", "targets")


@dataclass
class Chart:
    """One chart's data: what the chart, its table view and its CSV download all show."""

    name: str
    title: str
    kind: str  # bar, line, pie or target
    columns: list[str]
    rows: list[list[Any]]
    # A sentence under the chart, e.g. that its last period is not over yet.
    note: str = ""
    # The last row covers a period still running: drawn apart so it is not read as a fall.
    partial_last: bool = False

    @property
    def plotted(self) -> bool:
        """Whether there is a figure to draw: a target chart needs at least one actual figure."""
        if self.kind == "target":
            return any(row[5] != "" for row in self.rows)
        return bool(self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "kind": self.kind,
            "columns": self.columns,
            "rows": self.rows,
            "partial_last": self.partial_last,
        }

    def as_csv(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def _actual(
    indicator: Indicator, region: Region | None, counts: Counts, kinds: dict[str, str]
) -> int | None:
    measure = indicator.measure
    if measure is None:
        return None
    total = 0
    for (city, category, _pilot, status), n in counts.cells.items():
        if status != measure["status"]:
            continue
        if "kind" in measure and kinds.get(category) != measure["kind"]:
            continue
        if "categories" in measure and category not in measure["categories"]:
            continue
        if region is not None:
            if region.level == "province" and city[:2] != region.code[:2]:
                continue
            if region.level == "city" and city != region.code:
                continue
        total += n
    return total


def _monthly(issued_by_month: dict[str, int], day: dt.date) -> Chart:
    """New certificates per month; the month of ``day`` is counted to that day only, and says so
    (drawn apart, with a note), so a month under way does not look like a collapse."""
    rows: list[list[Any]] = [[month, n] for month, n in sorted(issued_by_month.items())]
    running = day.isoformat()[:7]
    last_day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    partial = bool(rows) and rows[-1][0] == running and day < last_day
    note = ""
    if partial:
        note = _("%(month)s is counted to %(day)s only: the month is not over.") % {
            "month": running,
            "day": day.isoformat(),
        }
    return Chart(
        "monthly",
        _("New certificates per month"),
        "line",
        [_("Month"), _("New certificates")],
        rows,
        note=note,
        partial_last=partial,
    )


def dashboard(day: dt.date, language: str) -> list[Chart]:
    """The dashboard's charts on ``day``, every title and label in ``language``, whichever
    language the calling thread has active."""
    with translation.override(language):
        return _charts(day, language)


def _charts(day: dt.date, language: str) -> list[Chart]:
    counts = counts_on(day)
    regions = {r.code: r for r in Region.objects.filter(level__in=["province", "city"])}

    def name(code: str) -> str:
        region = regions.get(code)
        return region.name(language) if region else code

    categories = {c.code: c for c in Category.objects.all()}
    kinds = {code: c.kind for code, c in categories.items()}
    valid_city: Counter[str] = Counter()
    valid_category: Counter[str] = Counter()
    valid_pilot: Counter[bool] = Counter()
    by_status: Counter[str] = Counter()
    for (city, category, pilot, status), n in counts.cells.items():
        by_status[status] += n
        if status == VALID:
            valid_city[city] += n
            valid_category[category] += n
            valid_pilot[pilot] += n
    valid_province: Counter[str] = Counter()
    for city, n in valid_city.items():
        valid_province[city[:2] + "0000"] += n
    charts = [
        Chart(
            "provinces",
            _("Valid certificates by province"),
            "bar",
            [_("Province code"), _("Province"), _("Valid certificates")],
            [
                [code, name(code), valid_province[code]]
                for code in ("310000", "320000", "330000", "340000")
            ],
        ),
        Chart(
            "cities",
            _("Valid certificates by city"),
            "bar",
            [_("City code"), _("City"), _("Valid certificates")],
            [
                [code, name(code), n]
                for code, n in sorted(valid_city.items(), key=lambda x: (-x[1], x[0]))
                if n
            ],
        ),
        Chart(
            "categories",
            _("Valid certificates by category"),
            "bar",
            [_("Category code"), _("Category"), _("Valid certificates")],
            [
                [code, categories[code].name(language) if code in categories else code, n]
                for code, n in sorted(valid_category.items(), key=lambda x: (-x[1], x[0]))
                if n
            ],
        ),
        _monthly(counts.issued_by_month, day),
        Chart(
            "statuses",
            _("Certificates by status"),
            "pie",
            [_("Status code"), _("Status"), _("Certificates")],
            [
                [code, lifecycle.status_label(code).get(language), by_status[code]]
                for code in Status
            ],
        ),
        Chart(
            "pilot",
            _("Valid certificates: pilot zone and the rest"),
            "pie",
            [_("Area"), _("Valid certificates")],
            [[_("Pilot zone"), valid_pilot[True]], [_("Rest of the YRD"), valid_pilot[False]]],
        ),
    ]
    rows = []
    for target in Target.objects.select_related("region").order_by(
        "region_id", "indicator", "year"
    ):
        indicator = indicators().get(target.indicator)
        if indicator is None:
            continue
        unmeasured = unmeasured_targets().get(
            (target.region_id or "", target.indicator, target.year)
        )
        actual = None if unmeasured else _actual(indicator, target.region, counts, kinds)
        if unmeasured:
            progress = unmeasured["en" if language.startswith("en") else "zh"]
        elif actual is None:
            progress = _("not recorded in this registry")
        else:
            progress = f"{actual / target.value:.0%}" if target.value else "—"
        rows.append(
            [
                target.region.name(language) if target.region else _("Whole YRD"),
                indicator.name(language),
                target.year,
                f"{target.comparison} {target.value}",
                target.value,
                "" if actual is None else actual,
                progress,
            ]
        )
    charts.append(
        Chart(
            "targets",
            _("Targets and actual figures"),
            "target",
            [
                _("Region"),
                _("Indicator"),
                _("Year"),
                _("Target"),
                _("Target value"),
                _("Actual"),
                _("Progress"),
            ],
            rows,
        )
    )
    return charts
