"""Request validation errors in zh-hans and en, naming the field, the value and what was expected."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

# pydantic error type -> (zh, en) templates; ``ctx`` values fill the braces.
EXPECTATIONS: dict[str, tuple[str, str]] = {
    "missing": ("必填", "a value is required"),
    "greater_than_equal": ("应大于或等于 {ge}", "a number ≥ {ge}"),
    "greater_than": ("应大于 {gt}", "a number > {gt}"),
    "less_than_equal": ("应小于或等于 {le}", "a number ≤ {le}"),
    "less_than": ("应小于 {lt}", "a number < {lt}"),
    "int_parsing": ("应为整数", "a whole number"),
    "int_type": ("应为整数", "a whole number"),
    "bool_parsing": ("应为 true 或 false", "true or false"),
    "bool_type": ("应为 true 或 false", "true or false"),
    "date_from_datetime_parsing": ("应为日期 YYYY-MM-DD", "a date as YYYY-MM-DD"),
    "date_parsing": ("应为日期 YYYY-MM-DD", "a date as YYYY-MM-DD"),
    "date_type": ("应为日期 YYYY-MM-DD", "a date as YYYY-MM-DD"),
    "string_pattern_mismatch": ("应符合格式 {pattern}", "text matching {pattern}"),
    "string_too_long": ("最多 {max_length} 个字符", "at most {max_length} characters"),
    "string_too_short": ("至少 {min_length} 个字符", "at least {min_length} characters"),
    "string_type": ("应为文本", "text"),
    "list_type": ("应为列表", "a list"),
    "too_long": ("最多 {max_length} 项", "at most {max_length} items"),
    "literal_error": ("应为以下之一：{expected}", "one of: {expected}"),
    "enum": ("应为以下之一：{expected}", "one of: {expected}"),
    "json_invalid": ("应为合法的 JSON", "valid JSON"),
    "model_attributes_type": ("应为 JSON 对象", "a JSON object"),
    "dict_type": ("应为 JSON 对象", "a JSON object"),
}


def _typed_value(request: HttpRequest, location: list[str], error: dict[str, Any]) -> Any:
    if "input" in error:
        return error["input"]
    if location and location[-1] in request.GET:
        return request.GET[location[-1]]
    return None


def describe(request: HttpRequest, error: dict[str, Any]) -> dict[str, Any]:
    raw_loc = [str(part) for part in error.get("loc", [])]
    location = [
        part for part in raw_loc if part not in {"query", "body", "path", "filters", "payload"}
    ]
    field = ".".join(location) or "request"
    value = _typed_value(request, location, error)
    templates = EXPECTATIONS.get(error.get("type", ""))
    ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    if templates:
        try:
            expected_zh, expected_en = (t.format(**ctx) for t in templates)
        except (KeyError, IndexError):
            expected_zh, expected_en = templates
    else:
        expected_zh = expected_en = error.get("msg", "")
    shown = value if isinstance(value, str | int | bool | None) else str(value)
    return {
        "code": "invalid",
        "field": field,
        "value": shown,
        "message_zh": f"字段 {field} 的值 {shown!r} 无效：{expected_zh}",
        "message_en": f"{field}: {shown!r} is not valid; expected {expected_en}",
    }
