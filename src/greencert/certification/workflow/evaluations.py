"""The bridge to the evaluation engine: which schemes judge a category, and the values they need."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from greencert.catalog.models import Category
from greencert.core.errors import ValidationFailed
from greencert.evaluation import Scheme, example_submission, load_shipped_schemes


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").lower()


def category_keys(category: Category) -> set[str]:
    """A scheme names its category by a standard number (GB/T 35602) or the category code."""
    return {standard.number for standard in category.standards.all()} | {category.code}


def schemes_for(category: Category, on: dt.date) -> list[Scheme]:
    """Every scheme for the category in force on the day (one per scheme id)."""
    keys = category_keys(category)
    return [
        s for s in load_shipped_schemes().all() if s.category_code in keys and s.in_force_on(on)
    ]


def scheme_in_force(category: Category, scheme_key: str, on: dt.date) -> Scheme:
    """``id@version``, refused unless it is for this category and in force on the day."""
    in_force = {s.key: s for s in schemes_for(category, on)}
    if scheme_key not in in_force:
        listing = ", ".join(in_force) or "—"
        raise ValidationFailed(
            field="scheme",
            value=scheme_key,
            expected_zh=f"{on} 对「{category.name_zh}」有效的评价方案之一：{listing}",
            expected_en=f"a scheme for {category.name_en} in force on {on}: {listing}",
        )
    return in_force[scheme_key]


def unit_guess(scheme: Scheme, certification_unit: str) -> str:
    """The scheme's unit id whose name matches the catalog unit, or '' if none does."""
    wanted = _normalise(certification_unit)
    for unit in scheme.certification_units:
        if _normalise(unit.name.zh) == wanted or _normalise(unit.name.en) == wanted:
            return unit.id
    return ""


@dataclass(frozen=True)
class ValueField:
    """One value a laboratory enters: id, names, unit and, for categories, the options."""

    id: str
    name_zh: str
    name_en: str
    unit: str | None
    options: tuple[str, ...]
    boxed: bool

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_zh


def value_fields(scheme: Scheme) -> list[ValueField]:
    """The values a test report carries for this scheme, in the scheme's order."""
    names: dict[str, Any] = {}
    options: dict[str, tuple[str, ...]] = {}
    for quantity in scheme.inputs:
        names[quantity.id] = quantity.name
    for indicator in scheme.indicators:
        names[indicator.id] = indicator.name
        if indicator.reference.comparator == "one_of":
            spec = scheme.value_specs.get(indicator.id)
            options[indicator.id] = indicator.reference.options if spec else ()
    for item in scheme.scored_items:
        names[item.id] = item.name
    example = example_submission(scheme)["values"]
    assert isinstance(example, dict)
    fields = []
    for key, sample in example.items():
        name = names.get(key)
        boxed = isinstance(sample, dict)
        fields.append(
            ValueField(
                id=key,
                name_zh=name.zh if name else key,
                name_en=name.en if name else key,
                unit=sample.get("unit") if boxed else None,
                options=options.get(key, ()),
                boxed=boxed,
            )
        )
    return fields


def submission_values(scheme: Scheme, entered: dict[str, str]) -> dict[str, object]:
    """The engine's ``values`` from what was typed: numbers with the scheme's unit, or text."""
    values: dict[str, object] = {}
    for value_field in value_fields(scheme):
        raw = (entered.get(value_field.id) or "").strip()
        if not raw:
            continue
        if value_field.boxed and not value_field.options:
            values[value_field.id] = {"value": raw, "unit": value_field.unit}
        else:
            values[value_field.id] = raw
    return values


def submission(
    scheme: Scheme, unit_id: str, baseline_met: bool, entered: dict[str, str]
) -> dict[str, object]:
    """What the engine judges: the unit, the baseline found in inspection, the tested values."""
    result: dict[str, object] = {
        "baseline": {requirement.id: baseline_met for requirement in scheme.baseline},
        "values": submission_values(scheme, entered),
    }
    if scheme.certification_units:
        result["certification_unit"] = unit_id
    return result
