"""The error body every endpoint answers with (documented for every 4xx status), and the input
types every app's API reads dates with."""

from __future__ import annotations

import datetime as dt
import re
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


def path_code(
    pattern: str,
    *,
    expected_zh: str,
    expected_en: str,
    example: str,
    description: str,
    max_length: int | None = None,
    upper: bool = False,
) -> Any:
    """A path parameter in a fixed format: the format is the parameter's ``pattern`` in the
    OpenAPI document, and a value outside it is refused (422) saying what was expected in words.
    ``upper``: the lookup reads the code in capitals, so a code typed in small letters (and with
    spaces around it) is read as the same code. Patterns spell digits ``[0-9]``: ``\\d`` would
    also take other scripts' digits."""
    compiled = re.compile(pattern)

    def in_format(value: str) -> str:
        read = value.strip().upper() if upper else value
        if not compiled.fullmatch(read) or (max_length is not None and len(read) > max_length):
            raise PydanticCustomError(
                "format_mismatch",
                "{expected_en}",
                {"expected_zh": expected_zh, "expected_en": expected_en},
            )
        return read

    # Description and example are written into the schema: Ninja copies a path parameter's
    # description from there only, and would copy ``examples`` as a list where OpenAPI 3.1
    # wants a map.
    extra: dict[str, Any] = {"pattern": pattern, "description": f"{description}, e.g. {example}"}
    if max_length is not None:
        extra["maxLength"] = max_length
    return Annotated[
        str,
        AfterValidator(in_format),
        Field(json_schema_extra=extra),
    ]


def path_text(max_length: int, *, example: str, description: str) -> Any:
    """A path parameter the lookup reads as free text (a body's own number, a plan code a
    regulator chose): only its length is bounded."""
    return Annotated[
        str,
        Field(
            min_length=1,
            max_length=max_length,
            json_schema_extra={"description": f"{description}, e.g. {example}"},
        ),
    ]


# The largest row id either engine stores (a signed 64-bit integer).
MAX_ROW_ID = 2**63 - 1
# A row id in a path: a whole number from 1 that the database can hold.
PathRowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


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
