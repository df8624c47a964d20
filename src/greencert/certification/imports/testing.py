"""Import files for tests and benchmarks: valid certificate rows of one body, deterministic, written
as CSV or XLSX with the template's header."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook

from greencert.catalog.models import Category
from greencert.certification.imports.cells import write_products
from greencert.certification.imports.columns import Kind, columns
from greencert.certification.intake import standard_in_force
from greencert.parties.factory import credit_code, enterprise_name
from greencert.parties.models import CertificationBody
from greencert.regions.models import Region

# Sites of the rows: cities and districts of the four provinces.
SITES = ["310115", "320500", "320509", "330100", "330500", "340100", "320100", "330400"]


def certificate_rows(
    body: CertificationBody,
    count: int,
    *,
    seed: int = 1,
    prefix: str = "IMP",
    certificates_per_holder: int = 3,
    issue_date: dt.date = dt.date(2025, 3, 1),
) -> Iterator[dict[str, Any]]:
    """``count`` valid rows for ``body`` (authorised for at least one category with units), body
    numbers ``{prefix}-{seed}-{n:07d}``; every ``certificates_per_holder`` rows share a holder."""
    rng = random.Random(seed)
    categories = [
        c
        for c in Category.objects.filter(pk__in=body.categories.all()).prefetch_related("standards")
        if c.certification_units
    ]
    regions = {r.code: r for r in Region.objects.filter(code__in=SITES)}
    for n in range(count):
        category = categories[n % len(categories)]
        site = SITES[n % len(SITES)]
        holder_seed = seed * 10_000_000 + n // certificates_per_holder
        holder_site = SITES[(n // certificates_per_holder) % len(SITES)]
        place = regions[site].name_zh[:2]
        holder_place = regions[holder_site].name_zh[:2]
        standard = standard_in_force(category, issue_date)
        unit = rng.choice(category.certification_units)
        service = category.kind == "service"
        yield {
            "body_number": f"{prefix}-{seed}-{n:07d}",
            "holder_credit_code": credit_code(random.Random(holder_seed), holder_site),
            "holder_name": enterprise_name(random.Random(holder_seed), holder_place, "绿色")
            + f"{holder_seed}",
            "holder_region": holder_site,
            "category": category.code,
            "certification_unit": unit,
            "site_region": site,
            "production_site": "" if service else f"{place}绿色产业园 {n % 97 + 1} 号",
            "service_site": f"{place}服务中心 {n % 89 + 1} 号" if service else "",
            "products": [] if service else [{"name": unit, "models": [f"M{n:06d}", f"N{n:06d}"]}],
            "standard": standard.code if standard else "",
            "issue_date": issue_date,
        }


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return write_products(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _present(kind: Kind, rows: list[dict[str, Any]], every_column: bool) -> list[Any]:
    return [c for c in columns(kind) if every_column or any(c.field in row for row in rows)]


def csv_bytes(
    kind: Kind,
    rows: list[dict[str, Any]],
    encoding: str = "utf-8-sig",
    *,
    every_column: bool = False,
) -> bytes:
    """Rows as a CSV file with the template's header: the columns the rows name, or all."""
    present = _present(kind, rows, every_column)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([c.header for c in present])
    for row in rows:
        writer.writerow([_cell(row.get(c.field, "")) for c in present])
    return out.getvalue().encode(encoding)


def xlsx_bytes(kind: Kind, rows: list[dict[str, Any]], *, every_column: bool = False) -> bytes:
    present = _present(kind, rows, every_column)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("import")
    sheet.append([c.header for c in present])
    for row in rows:
        sheet.append(
            [_cell(row.get(c.field)) if c.kind != "date" else row.get(c.field) for c in present]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
