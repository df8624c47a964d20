"""Errors a user can cause: each names the field, the value and what was expected, in zh-hans and en."""

from __future__ import annotations

from typing import Any


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
