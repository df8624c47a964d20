"""The error body every endpoint answers with (documented for every 4xx status)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class ErrorDetail(Schema):
    code: str = Field(examples=["invalid"])
    field: str = Field(examples=["limit"])
    value: Any = Field(None, examples=["0"])
    message_zh: str = Field(examples=["字段 limit 的值 '0' 无效：应大于或等于 1"])
    message_en: str = Field(examples=["limit: '0' is not valid; expected a number ≥ 1"])
    candidates: list[str] | None = Field(
        None, description="for a mistyped certificate number: existing numbers one typo away"
    )

    model_config = {"extra": "allow"}


class ErrorBody(Schema):
    error: ErrorDetail
    errors: list[ErrorDetail] | None = None


# The error statuses every endpoint documents, each answered with ErrorBody.
ERROR_STATUSES = frozenset({400, 401, 403, 404, 409, 410, 422, 429})
