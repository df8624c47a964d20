"""Certificate numbers: prefix, issuing province, year, serial and an ISO/IEC 7064 MOD 37-2 check.

Example ``GC3220250000123K``: GC, province 32 (Jiangsu), year 2025, serial 0000123, check K.
Serials whose check character would be ``*``, ``O`` or ``I`` are skipped, so numbers are letters
and digits only and never end in a letter a reader takes for 0 or 1; a typed O or I where a digit
belongs is read as 0 or 1.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.conf import settings

from greencert.core.checkchars import (
    MOD37_CHARSET,
    mod37_2_check_char,
    mod37_2_is_valid,
    normalise_code,
)
from greencert.core.sequence import next_value

SERIAL_DIGITS = 7
PROVINCES = {"31", "32", "33", "34"}
# Check characters no new number ends in: ``*`` is no letter or digit, O and I read as 0 and 1.
SKIPPED_CHECKS = frozenset("*OI")
LOOKALIKES = str.maketrans({"O": "0", "I": "1"})


def prefix() -> str:
    return str(settings.GREENCERT_CERTIFICATE_PREFIX)


def number_pattern() -> re.Pattern[str]:
    return _patterns(prefix())[0]


@functools.lru_cache(maxsize=4)
def _patterns(prefix: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A number's pattern under ``prefix``, and the looser one of its length and characters."""
    return (
        re.compile(rf"^{re.escape(prefix)}(3[1-4])(\d{{4}})(\d{{{SERIAL_DIGITS}}})([0-9A-Z])$"),
        re.compile(rf"^{re.escape(prefix)}[0-9A-Z*]{{{2 + 4 + SERIAL_DIGITS + 1}}}$"),
    )


def compose(province: str, year: int, serial: int) -> str | None:
    """The number for this serial, or None if its check character would be one of SKIPPED_CHECKS."""
    body = f"{prefix()}{province}{year:04d}{serial:0{SERIAL_DIGITS}d}"
    check = mod37_2_check_char(body)
    return None if check in SKIPPED_CHECKS else body + check


def allocate_number(province_code: str, year: int) -> str:
    """The next unused number for a province and year; call inside the issuing transaction."""
    return allocate_numbers(province_code, year, 1)[0]


def allocate_numbers(province_code: str, year: int, count: int) -> list[str]:
    """The next ``count`` unused numbers for a province and year, in order: what ``count`` calls
    of ``allocate_number`` would give, with one counter update for most batches."""
    province = province_code[:2]
    if province not in PROVINCES:
        raise ValueError(f"province {province_code!r} is not in the Yangtze River Delta")
    numbers: list[str] = []
    while len(numbers) < count:
        wanted = count - len(numbers)
        last = next_value(f"certificate-number:{province}:{year}", wanted)
        for serial in range(last - wanted + 1, last + 1):
            number = compose(province, year, serial)
            if number:
                numbers.append(number)
    return numbers


@dataclass(frozen=True)
class NumberCheck:
    """How a typed certificate number reads: ``malformed``, ``mistyped`` or ``well_formed``."""

    normalised: str
    verdict: str

    @property
    def province(self) -> str:
        return self.normalised[len(prefix()) : len(prefix()) + 2]


def read_lookalikes(normalised: str) -> str:
    """O and I typed where the number has digits read as 0 and 1; in the check character only
    when that makes the check valid (numbers issued before O and I were skipped may end in them)."""
    start, end = len(prefix()), len(prefix()) + 2 + 4 + SERIAL_DIGITS
    if not normalised.startswith(prefix()) or len(normalised) != end + 1:
        return normalised
    read = normalised[:start] + normalised[start:end].translate(LOOKALIKES) + normalised[end:]
    if not mod37_2_is_valid(read) and read[-1] in "OI":
        as_digit = read[:-1] + read[-1].translate(LOOKALIKES)
        if mod37_2_is_valid(as_digit):
            return as_digit
    return read


def check_number(raw: str) -> NumberCheck:
    normalised = read_lookalikes(normalise_code(raw))
    pattern, loose = _patterns(prefix())
    if not pattern.match(normalised):
        if loose.match(normalised) and not mod37_2_is_valid(normalised):
            return NumberCheck(normalised, "mistyped")
        return NumberCheck(normalised, "malformed")
    if not mod37_2_is_valid(normalised):
        return NumberCheck(normalised, "mistyped")
    return NumberCheck(normalised, "well_formed")


def correction_candidates(normalised: str) -> list[str]:
    """Numbers one substitution or one neighbour swap away that carry a valid check character."""
    pattern = number_pattern()
    seen: set[str] = set()
    start = len(prefix())
    for i in range(start, len(normalised)):
        for ch in MOD37_CHARSET[:-1]:
            if ch != normalised[i]:
                seen.add(normalised[:i] + ch + normalised[i + 1 :])
        if i + 1 < len(normalised) and normalised[i] != normalised[i + 1]:
            seen.add(normalised[:i] + normalised[i + 1] + normalised[i] + normalised[i + 2 :])
    return sorted(n for n in seen if pattern.match(n) and mod37_2_is_valid(n))
