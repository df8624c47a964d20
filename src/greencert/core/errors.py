"""Errors a user can cause: each names the field, the value and what was expected, in zh-hans and en."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone


class UserFacingError(Exception):
    """An error whose message is shown to the person who caused it, in both languages."""

    code = "invalid"
    http_status = 400

    def __init__(
        self,
        *,
        field: str,
        value: Any,
        expected_zh: str,
        expected_en: str,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.field = field
        self.value = value
        self.expected_zh = expected_zh
        self.expected_en = expected_en
        if code:
            self.code = code
        self.extra = extra or {}
        super().__init__(self.message_en)

    @property
    def message_zh(self) -> str:
        return f"字段 {self.field} 的值 {self.value!r} 无效：{self.expected_zh}"

    @property
    def message_en(self) -> str:
        return f"{self.field}: {self.value!r} is not valid; {self.expected_en}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "field": self.field,
            "value": self.value
            if isinstance(self.value, str | int | bool | None)
            else str(self.value),
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            **self.extra,
        }


class ValidationFailed(UserFacingError):
    code = "invalid"
    http_status = 400


class PermissionRefused(UserFacingError):
    code = "forbidden"
    http_status = 403


class TransitionRefused(UserFacingError):
    code = "transition_refused"
    http_status = 409


# pydantic error type -> (zh, en) of what was expected; the error's ``ctx`` values fill the braces.
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
    "nothing_to_verify": (
        "至少一个证书编号或持证人信用代码",
        "at least one certificate number or holder's credit code",
    ),
    "date_out_of_range": (
        "应为 {earliest} 至 {latest} 之间的日期",
        "a date from {earliest} to {latest}",
    ),
    "format_mismatch": ("{expected_zh}", "{expected_en}"),
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
    "extra_forbidden": ("没有这个字段，请核对字段名", "no such field: check the field's name"),
}


def invalid_input(field: str, value: Any, error: Mapping[str, Any]) -> ValidationFailed:
    """One error of a schema's validation (pydantic's ``errors()`` entry) in both languages."""
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
    return ValidationFailed(
        field=field, value=shown, expected_zh=expected_zh, expected_en=f"expected {expected_en}"
    )


def refuse_future_date(field: str, day: dt.date | None) -> None:
    """A date that must be today or earlier (Beijing time): an answer, a record or an adoption
    cannot be about a day that has not come yet."""
    if day is not None and day > timezone.localdate():
        raise ValidationFailed(
            field=field,
            value=day.isoformat(),
            expected_zh="今天或以前的日期",
            expected_en="today or a past date",
        )
