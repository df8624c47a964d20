"""The evaluate form of a scheme page, built from the scheme's own document."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict


def form_fields(document: dict[str, Any], language: str) -> dict[str, Any]:
    """What the form asks for: units, baseline questions, measured inputs and indicators."""
    en = language.startswith("en")

    def name(entry: dict[str, Any]) -> str:
        text = entry.get("name") or entry.get("text") or {}
        return str(text.get("en" if en else "zh", entry["id"]))

    values = []
    for kind in ("inputs", "indicators", "scored_items"):
        for entry in document.get(kind) or []:
            unit = entry.get("unit")
            choices = entry["reference"] if entry.get("comparator") == "one_of" else None
            values.append(
                {
                    "id": entry["id"],
                    "name": name(entry),
                    "unit": unit or "",
                    "choices": choices,
                    "points": entry.get("points"),
                    "kind": kind,
                }
            )
    return {
        "units": [
            {"id": u["id"], "name": name(u)} for u in document.get("certification_units") or []
        ],
        "baseline": [{"id": b["id"], "name": name(b)} for b in document.get("baseline") or []],
        "values": values,
    }


def submission_from(data: QueryDict, fields: dict[str, Any]) -> dict[str, Any]:
    """The submission the engine reads; blank answers are left out (they count as missing)."""
    submission: dict[str, Any] = {"baseline": {}, "values": {}}
    if data.get("certification_unit"):
        submission["certification_unit"] = data["certification_unit"]
    for item in fields["baseline"]:
        answer = data.get(f"baseline__{item['id']}", "")
        if answer in {"yes", "no"}:
            submission["baseline"][item["id"]] = answer == "yes"
    for item in fields["values"]:
        raw = data.get(f"value__{item['id']}", "").strip()
        if not raw:
            continue
        if item["choices"] is not None or not item["unit"]:
            submission["values"][item["id"]] = raw
        else:
            submission["values"][item["id"]] = {"value": raw, "unit": item["unit"]}
    return submission
