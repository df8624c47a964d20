"""Checking a scheme document against ``scheme.schema.json``, with messages naming path and expectation."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .errors import Problem

MAX_PROBLEMS = 20

# What each named pattern or definition means, for people reading an error.
_PATTERN_MEANINGS: dict[str, tuple[str, str]] = {
    "decimal": (
        '写成字符串或整数的十进制数，如 "0.124"',
        'a decimal written as a string or integer, e.g. "0.124"',
    ),
    "date": ("日期，格式 YYYY-MM-DD", "a date written YYYY-MM-DD"),
    "identifier": ("小写编号，如 cgp-coatings", "a lower-case id such as cgp-coatings"),
    "name_id": ("小写下划线编号，如 voc_content", "a snake_case id such as voc_content"),
    "standard_number": ("标准号，如 GB/T 35602", "a standard number such as GB/T 35602"),
    "unit": ("单位符号", "a unit symbol"),
    "text": ("含 zh 与 en 的名称", "a name with zh and en"),
    "value_range": ("含 min 与 max 的范围", "a range with min and max"),
    "version": ("版本号，如 2024 或 1.0", "a version such as 2024 or 1.0"),
    "scheme_ref": ("“编号@版本”，如 cgp-paper@2024", "'id@version' such as cgp-paper@2024"),
    "share": (
        '0 到 1 之间的比例字符串，如 "0.5"',
        'a share from 0 to 1 written as a string, e.g. "0.5"',
    ),
}
_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "string": ("字符串", "string"),
    "integer": ("整数", "integer"),
    "number": ("数字", "number"),
    "boolean": ("布尔值 true/false", "boolean true/false"),
    "object": ("映射（键值对）", "mapping"),
    "array": ("列表", "list"),
    "null": ("空值 null", "null"),
}


@lru_cache(maxsize=1)
def scheme_schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("scheme.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = scheme_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_problems(document: object) -> list[Problem]:
    """Every way ``document`` breaks the schema, most specific first, in a stable order."""
    errors = sorted(_leaf_errors(_validator().iter_errors(document)), key=_sort_key)
    problems: list[Problem] = []
    for error in errors:
        problem = describe(error)
        if problem not in problems:
            problems.append(problem)
    return problems[:MAX_PROBLEMS]


def format_path(parts: Iterable[object]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _leaf_errors(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    for error in errors:
        branches = [e for e in error.context or [] if e.validator not in ("required", "type")]
        if error.validator in ("oneOf", "anyOf") and branches and not _all_required(error):
            yield from _leaf_errors(branches)
        else:
            yield error


def _all_required(error: ValidationError) -> bool:
    branches: Any = error.validator_value
    return all(set(branch) == {"required"} for branch in branches)


def _sort_key(error: ValidationError) -> tuple[str, str]:
    return (format_path(error.absolute_path), str(error.validator))


def describe(error: ValidationError) -> Problem:
    path = format_path(error.absolute_path) or "(top level)"
    zh, en = _expectation(error)
    got = _shown(error.instance)
    if error.validator in ("required", "additionalProperties"):
        return Problem(path, zh, en)
    return Problem(path, f"{zh}；实为 {got}", f"{en}; got {got}")


def _expectation(error: ValidationError) -> tuple[str, str]:
    kind = error.validator
    expected: Any = error.validator_value
    instance: Any = error.instance
    schema: Any = error.schema
    if kind == "required":
        missing = [name for name in expected if name not in instance]
        return f"缺少必填字段 {', '.join(missing)}", f"missing required field {', '.join(missing)}"
    if kind == "additionalProperties":
        allowed = schema.get("properties", {})
        extra = sorted(key for key in instance if key not in allowed)
        return (
            f"不认识的字段 {', '.join(extra)}；可用字段：{', '.join(allowed)}",
            f"unexpected field {', '.join(extra)}; expected one of {', '.join(allowed)}",
        )
    if kind in ("enum", "const"):
        options = expected if kind == "enum" else [expected]
        shown = ", ".join(_shown(option) for option in options)
        return f"应为以下之一：{shown}", f"expected one of: {shown}"
    if kind == "type":
        return _type_expectation(expected, instance)
    if kind == "pattern":
        zh, en = _PATTERN_MEANINGS.get(_pattern_name(expected), (expected, expected))
        return f"应为{zh}", f"expected {en}"
    if kind == "oneOf" and _all_required(error):
        fields = [branch["required"][0] for branch in expected]
        return (
            f"应恰好给出以下字段之一：{', '.join(fields)}",
            f"expected exactly one of the fields {', '.join(fields)}",
        )
    if kind == "oneOf":
        meanings = [_branch_meaning(branch) for branch in expected]
        return (
            f"应为{'或'.join(zh for zh, _ in meanings)}",
            f"expected {' or '.join(en for _, en in meanings)}",
        )
    limits = {
        "minItems": ("至少 {} 项", "at least {} items"),
        "minLength": ("至少 {} 个字符", "at least {} characters"),
        "maxLength": ("至多 {} 个字符", "at most {} characters"),
        "minimum": ("不小于 {}", "a value of at least {}"),
        "maximum": ("不大于 {}", "a value of at most {}"),
    }
    if kind in limits:
        zh, en = limits[str(kind)]
        return f"应为{zh.format(expected)}", f"expected {en.format(expected)}"
    return (
        f"不符合方案格式（{kind}）",
        f"does not match the scheme format ({kind}: {error.message})",
    )


def _type_expectation(expected: object, instance: object) -> tuple[str, str]:
    names = expected if isinstance(expected, list) else [expected]
    zh = "或".join(_TYPE_NAMES[str(name)][0] for name in names)
    en = " or ".join(_TYPE_NAMES[str(name)][1] for name in names)
    if isinstance(instance, float) and "string" in names:
        return (
            f'应为{zh}；小数请加引号写成字符串，如 "{instance}"，以免精度丢失',
            f'expected {en}; write decimals as quoted strings such as "{instance}" to keep them exact',
        )
    return f"应为{zh}", f"expected {en}"


def _branch_meaning(branch: dict[str, Any]) -> tuple[str, str]:
    if "$ref" in branch:
        return _PATTERN_MEANINGS.get(branch["$ref"].rsplit("/", 1)[-1], ("合法值", "a valid value"))
    if "type" in branch:
        return _TYPE_NAMES.get(str(branch["type"]), ("合法值", "a valid value"))
    return ("合法值", "a valid value")


def _pattern_name(pattern: str) -> str:
    definitions = scheme_schema()["$defs"]
    for name, definition in definitions.items():
        if isinstance(definition, dict) and definition.get("pattern") == pattern:
            return str(name)
    return pattern


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
