"""Load and validate ``data/catalog.yaml`` into the catalog tables.

An entry is confirmed only when it says ``confirmed: true`` (and then names its ``source``); a
missing flag reads as unconfirmed. Plain unit lists and plain rule ids are unconfirmed; their
mapping forms (``units: {names: [...], confirmed, source}``, ``rule: {id, confirmed, source}``)
carry their own flag.
"""

from __future__ import annotations

import re
from contextlib import suppress
from pathlib import Path
from typing import Any

import yaml
from django.db.models import ProtectedError

DATA_FILE = Path(__file__).parent / "data" / "catalog.yaml"
STANDARD_CODE = re.compile(r"^(?P<number>[A-Z/ ]+\d+(?:\.\d+)?)-(?P<year>\d{4})$")
RULE_ID = re.compile(r"^CNCA-CGP-\d{2}:\d{4}$")
ACTIVITIES = {1, 2, 3}


def is_confirmed(entry: Any) -> bool:
    """The one reading of ``confirmed`` for every catalog entry: only an explicit true counts."""
    return isinstance(entry, dict) and entry.get("confirmed") is True


def units_of(category: dict[str, Any]) -> tuple[list[str], bool]:
    units = category.get("units", [])
    if isinstance(units, dict):
        return list(units.get("names", [])), is_confirmed(units)
    return list(units), False


def rule_of(category: dict[str, Any]) -> tuple[str, bool, str]:
    rule = category.get("rule")
    if isinstance(rule, dict):
        return rule.get("id", ""), is_confirmed(rule), rule.get("source", "")
    return rule or "", False, ""


def pilot_entries(data: dict[str, Any]) -> dict[str, bool]:
    """Pilot-zone category codes, each with whether a source confirms it."""
    entries = {}
    for entry in data.get("pilot_categories", []):
        if isinstance(entry, dict):
            entries[entry["code"]] = is_confirmed(entry)
        else:
            entries[entry] = False
    return entries


def transition_months(data: dict[str, Any], standard: dict[str, Any]) -> tuple[int, bool]:
    own = standard.get("transition")
    chosen = own if isinstance(own, dict) else data.get("transition_default") or {}
    return int(chosen.get("months", 0)), is_confirmed(chosen)


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
        activity = cat.get("activity")
        if cat["kind"] == "service" and activity is not None:
            raise ValueError(f"{where}: a green service has no mark activity (got {activity!r})")
        if activity is not None and activity not in ACTIVITIES:
            raise ValueError(f"{where}: activity {activity!r} must be 1, 2 or 3")
        for std in cat.get("standards", []):
            if std not in standards:
                raise ValueError(f"{where}: standard {std!r} is not listed under standards")
        rule_id = rule_of(cat)[0]
        if rule_id and not RULE_ID.match(rule_id):
            raise ValueError(f"{where}: rule {rule_id!r} must look like CNCA-CGP-NN:YYYY")
    for code in pilot_entries(data):
        if code not in codes:
            raise ValueError(f"{path}: pilot_categories names unknown category {code!r}")
    for i, std in enumerate(data["standards"]):
        sup = std.get("superseded_by")
        if sup and sup not in standards:
            raise ValueError(f"{path}: standards[{i}].superseded_by {sup!r} is not listed")
    return data


def _known(model: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The values the model (as of the running migration) can hold: earlier migrations load
    through older models, which lack later fields and may not allow an empty activity."""
    fields = {field.name: field for field in model._meta.get_fields()}
    return {
        key: value
        for key, value in values.items()
        if key in fields and (value is not None or getattr(fields[key], "null", True))
    }


def sync_catalog(category_model: Any, standard_model: Any, rule_model: Any) -> int:
    """Insert or update the catalog from the data file; returns the number of categories."""
    data = read_catalog()
    by_code = {}
    for std in data["standards"]:
        months, months_confirmed = transition_months(data, std)
        obj, _ = standard_model.objects.update_or_create(
            number=std["number"],
            year=std["year"],
            defaults=_known(
                standard_model,
                {
                    "title_zh": std["title_zh"],
                    "title_en": std.get("title_en", ""),
                    "published_on": std.get("published"),
                    "in_force_on": std.get("in_force"),
                    "confirmed": is_confirmed(std),
                    "source": std.get("source", ""),
                    "note": std.get("note", ""),
                    "transition_months": months,
                    "transition_confirmed": months_confirmed,
                },
            ),
        )
        by_code[f"{std['number']}-{std['year']}"] = obj
    for std in data["standards"]:
        obj = by_code[f"{std['number']}-{std['year']}"]
        obj.superseded_by = by_code[std["superseded_by"]] if std.get("superseded_by") else None
        obj.save(update_fields=["superseded_by"])
    pilot = pilot_entries(data)
    for cat in data["categories"]:
        rule = None
        rule_id, rule_confirmed, rule_source = rule_of(cat)
        if rule_id:
            rule, _ = rule_model.objects.update_or_create(
                rule_id=rule_id,
                defaults=_known(
                    rule_model,
                    {
                        "title_zh": f"绿色产品认证实施规则 {cat['name_zh']}",
                        "confirmed": rule_confirmed,
                        "source": rule_source,
                    },
                ),
            )
        units, units_confirmed = units_of(cat)
        obj, _ = category_model.objects.update_or_create(
            code=cat["code"],
            defaults=_known(
                category_model,
                {
                    "name_zh": cat["name_zh"],
                    "name_en": cat["name_en"],
                    "kind": cat["kind"],
                    "activity": cat.get("activity"),
                    "batch": cat.get("batch", 1),
                    "scope": cat.get("scope", "full"),
                    "graded": cat.get("graded", False),
                    "cqc_code": cat.get("cqc_code", ""),
                    "certification_units": units,
                    "rule": rule,
                    "pilot_zone": cat["code"] in pilot,
                    "confirmed": is_confirmed(cat),
                    "source": cat.get("source", ""),
                    "note": cat.get("note", ""),
                    "units_confirmed": units_confirmed,
                    "pilot_confirmed": pilot.get(cat["code"], False),
                },
            ),
        )
        obj.standards.set([by_code[s] for s in cat.get("standards", [])])
    # An edition dropped from the data file goes unless a certificate still cites it.
    listed = {(s["number"], s["year"]) for s in data["standards"]}
    for stale in standard_model.objects.all():
        if (stale.number, stale.year) not in listed:
            stale.categories.clear()
            if not stale.supersedes.exists():
                with suppress(ProtectedError):  # a certificate still cites it
                    stale.delete()
    return len(data["categories"])
