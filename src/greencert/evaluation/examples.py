"""Example submissions (示例申请数据) built from a scheme's own reference values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .decimals import canonical_text
from .model import Indicator, Scheme


def example_submission(scheme: Scheme, certification_unit: str | None = None) -> dict[str, Any]:
    """A submission that meets every requirement: reference values, full points, inputs' examples."""
    units = [unit.id for unit in scheme.certification_units]
    unit = certification_unit or (units[0] if units else None)
    values: dict[str, object] = {}
    for quantity in scheme.inputs:
        values[quantity.id] = _entry(quantity.example, quantity.unit)
    for indicator in scheme.indicators:
        if indicator.formula is None:
            values[indicator.id] = _passing(indicator)
    for item in scheme.scored_items:
        values[item.id] = canonical_text(item.points)
    submission: dict[str, object] = {
        "baseline": {requirement.id: True for requirement in scheme.baseline},
        "values": values,
    }
    if unit is not None:
        submission["certification_unit"] = unit
    return submission


def _entry(value: Decimal, unit: str | None) -> dict[str, str | None]:
    return {"value": canonical_text(value), "unit": unit}


def _passing(indicator: Indicator) -> object:
    ref = indicator.reference
    if ref.comparator == "one_of":
        return ref.options[0]
    if ref.comparator == "range":
        assert ref.low is not None and ref.high is not None
        return _entry((ref.low + ref.high) / 2, indicator.unit)
    assert ref.value is not None
    step = Decimal(1).scaleb(int(ref.value.as_tuple().exponent) - 1)
    value = {"<": ref.value - step, ">": ref.value + step}.get(ref.comparator, ref.value)
    return _entry(value, indicator.unit)
