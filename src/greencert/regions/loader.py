"""Load and validate ``data/regions.csv`` into the Region table."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "regions.csv"
LEVELS = {"province", "city", "district", "county"}


def read_regions(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    """Rows of the data file, validated: codes are 6 digits, parents exist, levels are known."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    codes = {row["code"] for row in rows}
    by_code = {row["code"]: row for row in rows}
    for line, row in enumerate(rows, start=2):
        code = row["code"]
        if len(code) != 6 or not code.isdigit():
            raise ValueError(f"{path}:{line}: code {code!r} is not a 6-digit GB/T 2260 code")
        if row["level"] not in LEVELS:
            raise ValueError(
                f"{path}:{line}: level {row['level']!r} is not one of {sorted(LEVELS)}"
            )
        if row["parent"] and row["parent"] not in codes:
            raise ValueError(f"{path}:{line}: parent {row['parent']!r} is not in the file")
    result = []
    for row in rows:
        province = row["code"][:2] + "0000"
        if row["level"] in {"province", "city"}:
            city = row["code"]
        else:
            parent = by_code[row["parent"]]
            city = parent["code"]
        result.append(
            {
                "code": row["code"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "level": row["level"],
                "parent_id": row["parent"] or None,
                "city_code": city,
                "province_code": province,
                "pilot_zone": row["pilot_zone"] == "1",
                "demonstration_zone": row["demonstration_zone"] == "1",
            }
        )
    return result


def sync_regions(region_model: Any) -> int:
    """Insert or update every region of the data file; returns the number of rows."""
    rows = read_regions()
    for row in rows:  # parents precede children in the file
        code = row.pop("code")
        region_model.objects.update_or_create(code=code, defaults=row)
    return len(rows)
