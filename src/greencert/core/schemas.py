"""The error body every endpoint answers with (documented for every 4xx status), and the input
types every app's API reads dates with."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# The dates the registry can mean: the GB/T 27065 era of certification and well beyond any
# certificate's validity. Outside them date arithmetic (a month before, a day after) overflows.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)


def _within_registry_dates(day: dt.date) -> dt.date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise PydanticCustomError(
            "date_out_of_range",
            "a date from {earliest} to {latest}",
            {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )
    return day


# A date a client sends: YYYY-MM-DD from 1900-01-01 to 2199-12-31.
RegistryDate = Annotated[
    dt.date,
    AfterValidator(_within_registry_dates),
    Field(
        json_schema_extra={
            "formatMinimum": EARLIEST_DATE.isoformat(),
            "formatMaximum": LATEST_DATE.isoformat(),
        }
    ),
]


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
