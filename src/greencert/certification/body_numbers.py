"""Certification bodies' own certificate numbers (机构证书编号): format per body, held as data.

Each body numbers its certificates in its own system; ``data/body_numbers.yaml`` holds each body's
format (a default for bodies it does not list). A body number is unique within its body; two
bodies may use the same number, so a lookup by body number can answer with several certificates.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from greencert.core.errors import ValidationFailed
from greencert.core.sequence import next_value

DATA_FILE = Path(__file__).parent / "data" / "body_numbers.yaml"
MAX_LENGTH = 40


@dataclass(frozen=True)
class NumberRule:
    pattern: re.Pattern[str]
    template: str
    example: str
    description_zh: str
    description_en: str
    confirmed: bool

    def compose(self, approval_number: str, year: int, serial: int) -> str:
        return self.template.format(
            approval_digits="".join(ch for ch in approval_number if ch.isdigit()),
            year=f"{year:04d}",
            yy=f"{year % 100:02d}",
            serial=serial,
        )


def _rule(spec: dict[str, Any], where: str) -> NumberRule:
    rule = NumberRule(
        pattern=re.compile(spec["pattern"]),
        template=spec["template"],
        example=spec["example"],
        description_zh=spec["description"]["zh"],
        description_en=spec["description"]["en"],
        confirmed=bool(spec.get("confirmed", False)),
    )
    if not rule.pattern.match(rule.example):
        raise ValueError(f"body_numbers.yaml: {where}: example {rule.example!r} fails its pattern")
    composed = rule.compose("CNCA-R-2002-001", 2025, 123)
    if not rule.pattern.match(composed) or len(composed) > MAX_LENGTH:
        raise ValueError(
            f"body_numbers.yaml: {where}: template gives {composed!r}, not its pattern"
        )
    return rule


@cache
def rules() -> tuple[NumberRule, dict[str, NumberRule]]:
    """The default rule and the rules of the bodies the data file lists, by approval number."""
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    default = _rule(data["default"], "default")
    bodies = {number: _rule(spec, number) for number, spec in (data.get("bodies") or {}).items()}
    return default, bodies


def rule_for(approval_number: str) -> NumberRule:
    default, bodies = rules()
    return bodies.get(approval_number, default)


def normalise_body_number(raw: str) -> str:
    """Half-width, upper case, without spaces: what people copy from paper certificates."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.upper().split())


def require_body_number(approval_number: str, raw: str, *, field: str = "body_number") -> str:
    """The normalised number if it fits the body's format; a bilingual refusal otherwise."""
    number = normalise_body_number(raw)
    rule = rule_for(approval_number)
    if len(number) > MAX_LENGTH or not rule.pattern.match(number):
        raise ValidationFailed(
            field=field,
            value=raw,
            expected_zh=f"{approval_number} 的证书编号格式：{rule.description_zh}（如 {rule.example}）",
            expected_en=(
                f"a certificate number in the format of {approval_number}: "
                f"{rule.description_en} (e.g. {rule.example})"
            ),
            code="invalid_body_number",
        )
    return number


def counter_name(approval_number: str, year: int) -> str:
    return f"body-number:{approval_number}:{year}"


def allocate_body_number(approval_number: str, year: int) -> str:
    """The body's next number when it issues through the platform; call inside the transaction."""
    serial = next_value(counter_name(approval_number, year))
    return rule_for(approval_number).compose(approval_number, year, serial)
