"""Cell values of an import file read as the record fields they fill: text, dates, products,
whole numbers. Each reader raises ``ValidationFailed`` naming what it expected."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

from greencert.certification.imports.table import cell_text
from greencert.core.errors import ValidationFailed

# A time after the date (an XLSX date-time cell) is ignored.
DATE_FORMATS = re.compile(
    r"^(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
COMPACT_DATE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
PRODUCT_SEPARATORS = re.compile(r"\s*(?:\||\r\n|\n|\r)\s*")
MODEL_SEPARATORS = re.compile(r"\s*[;；]\s*")


def read_date(value: Any, field: str) -> dt.date | None:
    """A date cell: an XLSX date, or text as 2025-03-01, 2025/3/1, 2025.3.1, 2025年3月1日 or
    20250301; None when empty."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    found = DATE_FORMATS.match(text) or COMPACT_DATE.match(text)
    if found:
        # A day the calendar lacks (2025-02-30) is refused below like any other bad date.
        with contextlib.suppress(ValueError):
            return dt.date(int(found["y"]), int(found["m"]), int(found["d"]))
    raise ValidationFailed(
        field=field,
        value=text,
        expected_zh="日期，格式 YYYY-MM-DD（也可 2025/3/1、2025年3月1日），且为存在的日期",
        expected_en="a date that exists, as YYYY-MM-DD (2025/3/1 and 2025年3月1日 are read too)",
        code="bad_date",
    )


def read_products(value: Any, field: str) -> list[dict[str, Any]]:
    """``name: model1; model2``, several products separated by ``|`` or line breaks."""
    text = cell_text(value)
    products: list[dict[str, Any]] = []
    for part in PRODUCT_SEPARATORS.split(text):
        if not part:
            continue
        name, colon, models = part.replace("：", ":").partition(":")
        name = name.strip()
        if not name:
            raise ValidationFailed(
                field=field,
                value=text,
                expected_zh="产品名称: 型号1; 型号2（多个产品以 | 或换行分隔），产品名称不能为空",
                expected_en="product name: model1; model2 (several separated by | or line "
                "breaks), each with a name",
                code="bad_products",
            )
        listed = [m for m in MODEL_SEPARATORS.split(models.strip()) if m] if colon else []
        products.append({"name": name, "models": listed})
    return products


def read_integer(value: Any, field: str) -> int | None:
    text = cell_text(value)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationFailed(
            field=field,
            value=text,
            expected_zh="整数（事件序号）",
            expected_en="a whole number (an event sequence number)",
            code="bad_integer",
        ) from None


def write_products(products: list[dict[str, Any]]) -> str:
    """Products as a cell, the inverse of ``read_products``."""
    return " | ".join(
        f"{p.get('name', '')}: {'; '.join(str(m) for m in p.get('models', []))}".rstrip(": ")
        for p in products
    )
