"""Finding a certificate from what a person typed or scanned: found, several, mistyped, malformed,
unknown.

Either number finds a certificate: the registry's own (GC…, checked by its check character) or
the number the issuing body gave it (机构证书编号). Text that is not shaped like a registry number
is looked up as a body number; since two bodies may have given out the same number, that can
find several certificates (``several``), each then named with its body.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from greencert.certification.body_numbers import MAX_LENGTH, normalise_body_number
from greencert.certification.models import Certificate
from greencert.certification.numbers import check_number, correction_candidates, prefix
from greencert.certification.public_read import certificate_by_number, certificates_by_body_number

PUBLIC_RELATED = ("holder", "body", "category", "standard", "site_region")

# Which number found the certificate: the registry's or the issuing body's.
BY_NUMBER = "number"
BY_BODY_NUMBER = "body_number"


@dataclass
class Lookup:
    """``verdict`` is found, several, not_found, mistyped or malformed.

    ``certificate`` is set when exactly one certificate was found; ``matches`` holds every
    certificate found (several only for a body number two or more bodies share), ``matched_by``
    which number found them.
    """

    typed: str
    normalised: str
    verdict: str
    certificate: Certificate | None = None
    candidates: list[str] = field(default_factory=list)
    matches: list[Certificate] = field(default_factory=list)
    matched_by: str = ""


def find_certificate(typed: str) -> Lookup:
    check = check_number(typed)
    if check.verdict == "malformed":
        return _find_by_body_number(typed, check.normalised)
    if check.verdict == "mistyped":
        candidates = correction_candidates(check.normalised)
        existing = sorted(
            Certificate.objects.filter(number__in=candidates).values_list("number", flat=True)
        )
        return Lookup(typed, check.normalised, "mistyped", candidates=existing)
    certificate = certificate_by_number(check.normalised)
    if certificate is None:
        return Lookup(typed, check.normalised, "not_found")
    return Lookup(
        typed,
        check.normalised,
        "found",
        certificate=certificate,
        matches=[certificate],
        matched_by=BY_NUMBER,
    )


def _find_by_body_number(typed: str, normalised: str) -> Lookup:
    body_number = normalise_body_number(typed)
    if not body_number or len(body_number) > MAX_LENGTH:
        return Lookup(typed, normalised, "malformed")
    found = certificates_by_body_number(body_number)
    if not found:
        return Lookup(typed, normalised, "malformed")
    if len(found) == 1:
        return Lookup(
            typed,
            body_number,
            "found",
            certificate=found[0],
            matches=found,
            matched_by=BY_BODY_NUMBER,
        )
    return Lookup(
        typed,
        body_number,
        "several",
        candidates=[c.number for c in found],
        matches=found,
        matched_by=BY_BODY_NUMBER,
    )


MESSAGES = {
    "malformed": (
        "这既不是平台证书编号（应为 {prefix} + 省份代码 2 位 + 年份 4 位 + 序号 7 位 + 校验码，"
        "共 16 位），也不是本平台登记的任何认证机构证书编号（机构证书编号）",
        "this is neither a registry certificate number (expected {prefix}, a 2-digit province "
        "code, a 4-digit year, a 7-digit serial and a check character: 16 characters) nor a "
        "certification body's own certificate number recorded in this registry",
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
    "several": (
        "机构证书编号 {number} 由 {count} 家认证机构各自用于一张证书：{bodies}。"
        "请按证书上的认证机构选择，或改用平台证书编号（{prefix}…）查询",
        "{count} certification bodies each gave certificate number {number} to one of their "
        "certificates: {bodies}. Choose by the certification body printed on the certificate, "
        "or look it up by its registry number ({prefix}…)",
    ),
}


def explain(lookup: Lookup) -> tuple[str, str]:
    """What to tell the person when the lookup found no single certificate, in zh-hans and en."""
    zh, en = MESSAGES[lookup.verdict]
    values = {"prefix": prefix(), "number": lookup.normalised, "count": len(lookup.matches)}
    bodies_zh = "；".join(
        f"{c.body.name}（{c.body.approval_number}）的 {c.number}" for c in lookup.matches
    )
    bodies_en = "; ".join(
        f"{c.body.name} ({c.body.approval_number}): {c.number}" for c in lookup.matches
    )
    return zh.format(bodies=bodies_zh, **values), en.format(bodies=bodies_en, **values)


def http_status(lookup: Lookup) -> int:
    """The status of an answer that found no single certificate: 300 Multiple Choices for a body
    number several bodies use, 404 for a well-formed unknown number, 400 for the rest."""
    return {"several": 300, "not_found": 404}.get(lookup.verdict, 400)
