"""Reading numbers as exact decimals (精确小数) with one fixed arithmetic context."""

from __future__ import annotations

import decimal
import math
import re
from decimal import Decimal

from .errors import Problem, SubmissionError

# GB/T 8170 rounds half to even (四舍六入五成双); one context keeps results independent of the caller.
CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN, Emin=-999, Emax=999)

MAX_TEXT_LENGTH = 40
MAX_MAGNITUDE = 30  # decimal exponent bound: keeps formatting and arithmetic cheap
_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?")


def parse_decimal(raw: object, field: str) -> Decimal:
    """A Decimal from a JSON string, int or finite float; anything else names the field."""
    if isinstance(raw, bool):
        number = None
    elif isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise _bad_number(field, raw)
        number = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = raw.strip()
        if len(text) > MAX_TEXT_LENGTH or not _DECIMAL_TEXT.fullmatch(text):
            raise _bad_number(field, raw)
        number = Decimal(text)
    else:
        number = None
    if number is None:
        raise _bad_number(field, raw)
    if number and abs(number.adjusted()) > MAX_MAGNITUDE:
        raise _bad_number(field, raw)
    return number


def canonical_text(number: Decimal) -> str:
    """Plain positional notation, digits as measured (trailing zeros kept)."""
    text = str(number)
    if "E" in text:
        text = format(number, "f")
    return text


def _bad_number(field: str, raw: object) -> SubmissionError:
    shown = repr(raw)[:60]
    return SubmissionError(
        [
            Problem(
                field,
                f'数值 {shown} 无效；应为有限的十进制数，例如 "0.08"（不接受 NaN、无穷大或布尔值）',
                f'invalid number {shown}; expected a finite decimal such as "0.08" '
                "(NaN, infinity and booleans are not accepted)",
            )
        ]
    )
