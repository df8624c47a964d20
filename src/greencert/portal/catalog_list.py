"""The unified catalog and standards list (统一目录 / 标准清单) as rows, and its downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from greencert.catalog.editions import citable_until, in_force_on
from greencert.catalog.models import Category, EvaluationScheme, MarkActivity
from greencert.certification.lifecycle import Status
from greencert.portal.tallies import counts_on

CSV_COLUMNS = [
    "category_code",
    "name_zh",
    "name_en",
    "kind",
    "batch",
    "scope",
    "activity",
    "graded",
    "pilot_zone",
    "confirmed",
    "rule",
    "standards",
    "standards_in_force_on",
    "schemes",
    "criteria",
    "valid_certificates",
]


def catalog_rows(day: dt.date | None = None) -> list[dict[str, Any]]:
    """Every category with its standards, rule, schemes and valid certificates on ``day``
    (default today), each fact with whether an official text confirms it."""
    today = day or timezone.localdate()
    activities = dict(MarkActivity.choices)
    valid: dict[str, int] = {}
    for (_city, code, _pilot, status), n in counts_on(today).cells.items():
        if status == Status.VALID:
            valid[code] = valid.get(code, 0) + n
    schemes: dict[int, list[EvaluationScheme]] = {}
    for scheme in EvaluationScheme.objects.order_by("scheme_id", "version"):
        if scheme.category_id:
            schemes.setdefault(scheme.category_id, []).append(scheme)
    rows = []
    categories = Category.objects.select_related("rule").prefetch_related(
        "standards__superseded_by"
    )
    for category in categories.order_by("kind", "batch", "code"):
        standards = sorted(category.standards.all(), key=lambda s: (s.number, s.year))
        versions = []
        for scheme in schemes.get(category.pk, []):
            counts = scheme.summary.get("counts", {})
            versions.append(
                {
                    "id": scheme.scheme_id,
                    "version": scheme.version,
                    "title_zh": scheme.title_zh,
                    "title_en": scheme.title_en,
                    "standard": scheme.standard_code,
                    "effective_from": scheme.effective_from,
                    "effective_until": scheme.effective_until,
                    "in_force": scheme.in_force_on(today),
                    "attributes": scheme.summary.get("attributes", []),
                    "criteria": {
                        "baseline": counts.get("baseline", 0),
                        "indicators": counts.get("indicators", 0),
                        "scored_items": counts.get("scored_items", 0),
                        "grades": counts.get("grades", 0),
                    },
                }
            )
        rows.append(
            {
                "code": category.code,
                "name_zh": category.name_zh,
                "name_en": category.name_en,
                "kind": category.kind,
                "batch": category.batch,
                "scope": category.scope,
                "activity": category.activity,
                "activity_name": activities.get(category.activity, "") if category.activity else "",
                "graded": category.graded,
                "pilot_zone": category.pilot_zone,
                "pilot_confirmed": category.pilot_confirmed,
                "confirmed": category.confirmed,
                "source": category.source,
                "note": category.note,
                "certification_units": category.certification_units,
                "units_confirmed": category.units_confirmed,
                "rule": {
                    "id": category.rule.rule_id,
                    "title_zh": category.rule.title_zh,
                    "confirmed": category.rule.confirmed,
                    "source": category.rule.source,
                }
                if category.rule
                else None,
                "standards": [
                    {
                        "code": s.code,
                        "title_zh": s.title_zh,
                        "title_en": s.title_en,
                        "published_on": s.published_on,
                        "in_force_on": s.in_force_on,
                        "superseded_by": s.superseded_by.code if s.superseded_by else None,
                        "in_force": in_force_on(s, today),
                        "citable_until": citable_until(s),
                        "transition_months": s.transition_months,
                        "transition_confirmed": s.transition_confirmed,
                        "confirmed": s.confirmed,
                        "source": s.source,
                        "note": s.note,
                    }
                    for s in standards
                ],
                "schemes": versions,
                "valid_certificates": valid.get(category.code, 0),
            }
        )
    return rows


def _flat(row: dict[str, Any]) -> list[Any]:
    criteria = "; ".join(
        f"{s['id']}@{s['version']}: {s['criteria']['baseline']} baseline, "
        f"{s['criteria']['indicators']} indicators, {s['criteria']['scored_items']} scored"
        for s in row["schemes"]
    )
    return [
        row["code"],
        row["name_zh"],
        row["name_en"],
        row["kind"],
        row["batch"],
        row["scope"],
        row["activity"] or "",
        row["graded"],
        row["pilot_zone"],
        row["confirmed"],
        row["rule"]["id"] if row["rule"] else "",
        "; ".join(s["code"] for s in row["standards"]),
        "; ".join(
            f"{s['code']}={s['in_force_on'].isoformat() if s['in_force_on'] else ''}"
            for s in row["standards"]
        ),
        "; ".join(f"{s['id']}@{s['version']}" for s in row["schemes"]),
        criteria,
        row["valid_certificates"],
    ]


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_flat(r) for r in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8


def as_json(rows: list[dict[str, Any]]) -> bytes:
    document = {"as_of": timezone.localdate(), "categories": rows}
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def as_xlsx(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "catalog"
    sheet.append(CSV_COLUMNS)
    for row in rows:
        sheet.append(_flat(row))
    standards = book.create_sheet("standards")
    standards.append(
        ["category_code", "standard", "title_zh", "title_en", "in_force_on", "superseded_by"]
    )
    for row in rows:
        for s in row["standards"]:
            standards.append(
                [
                    row["code"],
                    s["code"],
                    s["title_zh"],
                    s["title_en"],
                    s["in_force_on"],
                    s["superseded_by"],
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
