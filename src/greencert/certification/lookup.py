"""Finding a certificate from what a person typed or scanned: found, mistyped, malformed, unknown."""

from __future__ import annotations

from dataclasses import dataclass, field

from greencert.certification.models import Certificate
from greencert.certification.numbers import check_number, correction_candidates
from greencert.certification.public_read import certificate_by_number

PUBLIC_RELATED = ("holder", "body", "category", "standard", "site_region")


@dataclass
class Lookup:
    """``verdict`` is found, not_found, mistyped or malformed."""

    typed: str
    normalised: str
    verdict: str
    certificate: Certificate | None = None
    candidates: list[str] = field(default_factory=list)


def find_certificate(typed: str) -> Lookup:
    check = check_number(typed)
    if check.verdict == "malformed":
        return Lookup(typed, check.normalised, "malformed")
    if check.verdict == "mistyped":
        candidates = correction_candidates(check.normalised)
        existing = sorted(
            Certificate.objects.filter(number__in=candidates).values_list("number", flat=True)
        )
        return Lookup(typed, check.normalised, "mistyped", candidates=existing)
    certificate = certificate_by_number(check.normalised)
    if certificate is None:
        return Lookup(typed, check.normalised, "not_found")
    return Lookup(typed, check.normalised, "found", certificate=certificate)


MESSAGES = {
    "malformed": (
        "这不是一个证书编号的格式：应为 {prefix} + 省份代码 2 位 + 年份 4 位 + 序号 7 位 + 校验码，共 16 位",
        "this is not a certificate number: expected {prefix}, a 2-digit province code, a 4-digit "
        "year, a 7-digit serial and a check character (16 characters)",
    ),
    "mistyped": (
        "证书编号校验码不符，可能输错了某一位或颠倒了相邻两位，请核对",
        "the check character does not match: a character was probably mistyped or two "
        "neighbours swapped; please check the number",
    ),
    "not_found": (
        "编号格式正确，但本平台没有这张证书的记录",
        "the number is well formed, but this registry holds no certificate with it",
    ),
}
