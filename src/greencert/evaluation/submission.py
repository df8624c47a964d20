"""Reading a submission (申请评价数据) and normalising its values into the scheme's units.

Format::

    {
      "certification_unit": "tissue_paper",
      "baseline": {"pollutant_discharge_compliant": true},
      "values": {
        "formaldehyde": {"value": "0.05", "unit": "mg/m³"},
        "pue": "1.25",
        "bleaching_agent": "none"
      }
    }

Rules:
- A value given as ``{"value": ..., "unit": ...}`` is converted into the scheme's unit through
  ``units.yaml``; a unit of another dimension, or an unknown unit, is an error.
- A plain number is accepted only for units marked ``bare`` (ratios written as "1", points,
  counts, grades, levels). Anything physical (g/L, mg/m³, %, …) must name its unit.
- Numbers are read as exact decimals: strings, integers or finite floats (read via their shortest
  repr). NaN, infinity and booleans are rejected. A value outside the quantity's declared valid
  range (e.g. a PUE below 1, an occupancy above 100 %) is an error.
- ``null`` or an absent key means "no data": the item is reported as missing, never as failing.
- Unknown ids, unknown certification units and unexpected fields are errors, so typos never pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .decimals import CONTEXT, canonical_text, parse_decimal, read_decimal
from .errors import Problem, SubmissionError
from .model import Measured, Scheme, ValueSpec
from .units import unit_table

_TOP_LEVEL = ("scheme", "certification_unit", "baseline", "values")


@dataclass(frozen=True, slots=True)
class NormalisedSubmission:
    """A checked submission with every value in the scheme's unit; what the fingerprint covers."""

    certification_unit: str | None
    baseline: dict[str, bool]
    values: dict[str, Measured]
    specs: Mapping[str, ValueSpec]
    numbers: dict[str, Decimal]  # the numeric values alone, for formulas and conditions

    def to_dict(self) -> dict[str, object]:
        values: dict[str, object] = {}
        for key in sorted(self.values):
            measured = self.values[key]
            if isinstance(measured, Decimal):
                values[key] = {"value": canonical_text(measured), "unit": self.specs[key].unit}
            else:
                values[key] = {"value": measured, "unit": None}
        return {
            "certification_unit": self.certification_unit,
            "baseline": {key: self.baseline[key] for key in sorted(self.baseline)},
            "values": values,
        }


def read_submission(scheme: Scheme, submission: object) -> NormalisedSubmission:
    problems: list[Problem] = []
    if not isinstance(submission, Mapping):
        raise SubmissionError(
            [Problem("", "提交数据应为 JSON 对象", "expected the submission to be a JSON object")]
        )
    for key in submission:
        if key not in _TOP_LEVEL:
            problems.append(
                Problem(
                    str(key),
                    f"不认识的字段；可用字段：{', '.join(_TOP_LEVEL)}",
                    f"unexpected field; expected one of {', '.join(_TOP_LEVEL)}",
                )
            )
    named = submission.get("scheme")
    if named is not None and named not in (scheme.id, scheme.key):
        problems.append(
            Problem(
                "scheme",
                f"提交数据针对方案 {named!r}，应为 {scheme.key}",
                f"submission names scheme {named!r}; expected {scheme.key}",
            )
        )
    unit = _certification_unit(scheme, submission.get("certification_unit"), problems)
    baseline = _baseline(scheme, submission.get("baseline"), problems)
    values, numbers = _values(scheme, submission.get("values"), problems)
    if problems:
        raise SubmissionError(problems)
    return NormalisedSubmission(unit, baseline, values, scheme.value_specs, numbers)


def _certification_unit(scheme: Scheme, raw: object, problems: list[Problem]) -> str | None:
    if not scheme.unit_ids:
        if raw is not None:
            problems.append(
                Problem(
                    "certification_unit",
                    f"方案 {scheme.key} 不区分认证单元；应省略此字段",
                    f"scheme {scheme.key} has no certification units; expected no certification_unit",
                )
            )
        return None
    if type(raw) is not str or raw not in scheme.unit_ids:
        known = [unit.id for unit in scheme.certification_units]
        shown = "（缺失）" if raw is None else repr(raw)
        shown_en = "(missing)" if raw is None else repr(raw)
        problems.append(
            Problem(
                "certification_unit",
                f"认证单元 {shown} 无效；应为以下之一：{', '.join(known)}",
                f"certification unit {shown_en} is not valid; expected one of {', '.join(known)}",
            )
        )
        return None
    return str(raw)


def _baseline(scheme: Scheme, raw: object, problems: list[Problem]) -> dict[str, bool]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(
            Problem(
                "baseline", "应为 {编号: true/false} 对象", "expected an object of {id: true/false}"
            )
        )
        return {}
    known = scheme.baseline_ids
    answers: dict[str, bool] = {}
    for key, answer in raw.items():
        if key not in known:
            problems.append(
                Problem(
                    f"baseline.{key}",
                    f"未知的基本要求；应为以下之一：{', '.join(sorted(known))}",
                    f"unknown baseline requirement; expected one of {', '.join(sorted(known))}",
                )
            )
        elif isinstance(answer, bool):
            answers[key] = answer
        elif answer is not None:
            problems.append(
                Problem(
                    f"baseline.{key}",
                    f"值 {answer!r} 无效；应为 true、false 或 null",
                    f"value {answer!r} is not valid; expected true, false or null",
                )
            )
    return answers


def _values(
    scheme: Scheme, raw: object, problems: list[Problem]
) -> tuple[dict[str, Measured], dict[str, Decimal]]:
    if raw is None:
        return {}, {}
    if not isinstance(raw, Mapping):
        problems.append(
            Problem("values", "应为 {编号: 数值} 对象", "expected an object of {id: value}")
        )
        return {}, {}
    specs = scheme.value_specs
    values: dict[str, Measured] = {}
    numbers: dict[str, Decimal] = {}
    for key, entry in raw.items():
        spec = specs.get(key)
        if spec is None:
            problems.append(
                Problem(
                    f"values.{key}",
                    "未知的指标或输入编号；请核对方案中的编号",
                    f"unknown indicator or input id; expected one of {', '.join(specs)}",
                )
            )
            continue
        # Fast path for the usual {"value": "0.05", "unit": "mg/m³"}; anything else, or anything
        # wrong, goes through _value, which gives the precise error.
        if type(entry) is dict and len(entry) == 2:
            unit = entry.get("unit")
            factor = (
                spec.factors.get(unit, _NOT_CONVERTIBLE) if type(unit) is str else _NOT_CONVERTIBLE
            )
            number = read_decimal(entry.get("value")) if factor is not _NOT_CONVERTIBLE else None
            if number is not None:
                if factor is not None:
                    number = CONTEXT.multiply(number, factor)
                valid = spec.valid_range
                if valid is None or valid.low <= number <= valid.high:
                    values[key] = numbers[key] = number
                    continue
        try:
            measured = _value(spec, entry)
        except SubmissionError as exc:
            problems.extend(exc.problems)
            continue
        if measured is not None:
            values[key] = measured
            if isinstance(measured, Decimal):
                numbers[key] = measured
    return values, numbers


_ENTRY_KEYS = frozenset(("value", "unit"))
_NOT_CONVERTIBLE = Decimal(-1)


def _value(spec: ValueSpec, entry: object) -> Measured | None:
    unit: object = None
    boxed = isinstance(entry, Mapping)
    if isinstance(entry, Mapping):
        if not entry.keys() <= _ENTRY_KEYS:
            extra = ", ".join(sorted(map(str, entry.keys() - _ENTRY_KEYS)))
            raise SubmissionError(
                [
                    Problem(
                        f"values.{spec.id}",
                        f"不认识的字段 {extra}；应只含 value 与 unit",
                        f"unexpected field {extra}; expected only value and unit",
                    )
                ]
            )
        unit, entry = entry.get("unit"), entry.get("value")
    if entry is None:
        return None
    if spec.categorical:
        if type(entry) is not str or not entry or unit is not None:
            raise SubmissionError(
                [
                    Problem(
                        _field(spec, boxed),
                        f"值 {entry!r} 无效；应为文字类别（不带单位）",
                        f"value {entry!r} is not valid; expected a category name as text, without a unit",
                    )
                ]
            )
        return entry
    number = read_decimal(entry)
    if number is None:
        number = parse_decimal(entry, _field(spec, boxed))  # raises the precise number error
    target = spec.unit or "1"
    if unit is None:
        if not spec.bare:
            raise SubmissionError(
                [
                    Problem(
                        _field(spec, boxed),
                        f'缺少单位；应写成 {{"value": "{entry}", "unit": "{target}"}}',
                        f'missing unit; expected {{"value": "{entry}", "unit": "{target}"}}',
                    )
                ]
            )
    elif type(unit) is str and unit in spec.factors:
        factor = spec.factors[unit]
        if factor is not None:
            number = CONTEXT.multiply(number, factor)
    elif isinstance(unit, str):
        unit_table().factor(unit, target, f"values.{spec.id}.unit")  # raises the precise unit error
    else:
        raise SubmissionError(
            [
                Problem(
                    f"values.{spec.id}.unit",
                    f"单位 {unit!r} 无效；应为 {target}",
                    f"unit {unit!r} is not valid; expected {target}",
                )
            ]
        )
    valid = spec.valid_range
    if valid is not None and not valid.low <= number <= valid.high:
        shown = canonical_text(number)
        raise SubmissionError(
            [
                Problem(
                    _field(spec, boxed),
                    f"数值 {shown} {target} 超出有效范围；应在 {valid.low}–{valid.high} {target} 之间",
                    f"value {shown} {target} is out of range; expected {valid.low} to {valid.high} {target}",
                )
            ]
        )
    return number


def _field(spec: ValueSpec, boxed: bool) -> str:
    return f"values.{spec.id}.value" if boxed else f"values.{spec.id}"
