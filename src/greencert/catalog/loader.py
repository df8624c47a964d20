"""Load and validate ``data/catalog.yaml`` into the catalog tables."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).parent / "data" / "catalog.yaml"
STANDARD_CODE = re.compile(r"^(?P<number>[A-Z/ ]+\d+(?:\.\d+)?)-(?P<year>\d{4})$")
RULE_ID = re.compile(r"^CNCA-CGP-\d{2}:\d{4}$")


def read_catalog(path: Path = DATA_FILE) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    codes = {c["code"] for c in data["categories"]}
    standards = {f"{s['number']}-{s['year']}" for s in data["standards"]}
    for i, cat in enumerate(data["categories"]):
        where = f"{path}: categories[{i}] ({cat.get('code')})"
        for key in ("code", "name_zh", "name_en", "kind"):
            if not cat.get(key):
                raise ValueError(f"{where}: {key} is required")
        if cat["kind"] not in {"product", "service"}:
            raise ValueError(f"{where}: kind {cat['kind']!r} must be product or service")
        for std in cat.get("standards", []):
            if std not in standards:
                raise ValueError(f"{where}: standard {std!r} is not listed under standards")
        if cat.get("rule") and not RULE_ID.match(cat["rule"]):
            raise ValueError(f"{where}: rule {cat['rule']!r} must look like CNCA-CGP-NN:YYYY")
    for code in data.get("pilot_categories", []):
        if code not in codes:
            raise ValueError(f"{path}: pilot_categories names unknown category {code!r}")
    for i, std in enumerate(data["standards"]):
        sup = std.get("superseded_by")
        if sup and sup not in standards:
            raise ValueError(f"{path}: standards[{i}].superseded_by {sup!r} is not listed")
    return data


def sync_catalog(category_model: Any, standard_model: Any, rule_model: Any) -> int:
    """Insert or update the catalog from the data file; returns the number of categories."""
    data = read_catalog()
    by_code = {}
    for std in data["standards"]:
        obj, _ = standard_model.objects.update_or_create(
            number=std["number"],
            year=std["year"],
            defaults={
                "title_zh": std["title_zh"],
                "title_en": std.get("title_en", ""),
                "published_on": std.get("published"),
                "in_force_on": std.get("in_force"),
                "confirmed": std.get("confirmed", True),
            },
        )
        by_code[f"{std['number']}-{std['year']}"] = obj
    for std in data["standards"]:
        if std.get("superseded_by"):
            obj = by_code[f"{std['number']}-{std['year']}"]
            obj.superseded_by = by_code[std["superseded_by"]]
            obj.save(update_fields=["superseded_by"])
    pilot = set(data.get("pilot_categories", []))
    for cat in data["categories"]:
        rule = None
        if cat.get("rule"):
            rule, _ = rule_model.objects.get_or_create(
                rule_id=cat["rule"], defaults={"title_zh": f"绿色产品认证实施规则 {cat['name_zh']}"}
            )
        obj, _ = category_model.objects.update_or_create(
            code=cat["code"],
            defaults={
                "name_zh": cat["name_zh"],
                "name_en": cat["name_en"],
                "kind": cat["kind"],
                "activity": cat.get("activity", 1),
                "batch": cat.get("batch", 1),
                "scope": cat.get("scope", "full"),
                "graded": cat.get("graded", False),
                "cqc_code": cat.get("cqc_code", ""),
                "certification_units": cat.get("units", []),
                "rule": rule,
                "pilot_zone": cat["code"] in pilot,
                "confirmed": cat.get("confirmed", True),
            },
        )
        obj.standards.set([by_code[s] for s in cat.get("standards", [])])
    return len(data["categories"])
