"""Reading numbers as exact decimals (精确小数) with one fixed arithmetic context."""

from __future__ import annotations

import decimal
import math
from decimal import Decimal, InvalidOperation

from .errors import Problem, SubmissionError

# GB/T 8170 rounds half to even (四舍六入五成双); one context keeps results independent of the caller.
CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN, Emin=-999, Emax=999)

MAX_TEXT_LENGTH = 40
MAX_MAGNITUDE = 30  # decimal exponent bound: keeps formatting and arithmetic cheap


def parse_decimal(raw: object, field: str) -> Decimal:
    """A Decimal from a JSON string, int or finite float; anything else names the field."""
    number = read_decimal(raw)
    if number is None:
        raise _bad_number(field, raw)
    return number


def read_decimal(raw: object) -> Decimal | None:
    """The Decimal ``raw`` stands for, or None when it is not a finite, plain decimal number."""
    if isinstance(raw, str):
        # Decimal() alone would also take "NaN", "1_000", non-ASCII digits and outer spaces.
        if not 0 < len(raw) <= MAX_TEXT_LENGTH or not raw.isascii() or "_" in raw:
            return None
        try:
            number = Decimal(raw)
        except InvalidOperation:
            return None
        if not number.is_finite() or raw[0] <= " " or raw[-1] <= " ":
            return None
        if len(raw) <= MAX_MAGNITUDE and "e" not in raw and "E" not in raw:
            return number  # too few digits to be out of bounds
    elif isinstance(raw, bool):
        return None
    elif isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float) and math.isfinite(raw):
        number = Decimal(repr(raw))
    else:
        return None
    if number and abs(number.adjusted()) > MAX_MAGNITUDE:
        return None
    return number


def canonical_text(number: Decimal) -> str:
    """Plain positional notation without trailing zeros: 40 g/L and 40000 mg/L both read "40"."""
    text = str(number)
    if "E" not in text and ("." not in text or text[-1] != "0") and text != "-0":
        return text
    if "E" in text:
        text = format(number.normalize(CONTEXT), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


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
