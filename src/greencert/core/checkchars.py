"""Check characters: GB 32100-2015 (统一社会信用代码) and ISO/IEC 7064 MOD 37-2 (certificate numbers)."""

from __future__ import annotations

from typing import NamedTuple

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

MOD37_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"


def normalise_code(raw: str) -> str:
    """Upper-case and drop the spaces and hyphens people type into codes."""
    return "".join(ch for ch in raw.strip().upper() if ch not in " -\u3000")


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015 §5)."""
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


class CodeProblem(NamedTuple):
    """What is wrong with a code: ``kind`` is length, charset, region or check."""

    kind: str
    zh: str
    en: str


def uscc_problem(code: str) -> CodeProblem | None:
    """Why ``code`` is not a valid credit code, or None when it is valid."""
    if len(code) != 18:
        return CodeProblem(
            "length", f"应为 18 位，实际 {len(code)} 位", f"expected 18 characters, got {len(code)}"
        )
    bad = [ch for ch in code if ch not in USCC_CHARSET]
    if bad:
        return CodeProblem(
            "charset",
            f"含有不允许的字符 {''.join(bad)!r}（不使用 I、O、S、V、Z）",
            f"contains characters not allowed {''.join(bad)!r} (I, O, S, V and Z are never used)",
        )
    if not code[2:8].isdigit():
        return CodeProblem(
            "region",
            "第 3–8 位应为行政区划代码（数字）",
            "positions 3-8 must be a GB/T 2260 region code (digits)",
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return CodeProblem(
            "check",
            f"校验码应为 {expected}，实际为 {code[17]}",
            f"check character should be {expected}, not {code[17]}",
        )
    return None


def org_code_check_char(first8: str) -> str:
    """The check character of the 9-character organisation code inside a credit code (GB 11714)."""
    total = sum(
        ORG_CODE_CHARSET.index(ch) * w for ch, w in zip(first8, ORG_CODE_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def mod37_2_check_char(body: str) -> str:
    """ISO/IEC 7064 MOD 37-2: catches every single substitution and every adjacent transposition."""
    p = 0
    for ch in body:
        p = ((p + MOD37_CHARSET.index(ch)) * 2) % 37
    return MOD37_CHARSET[(38 - p) % 37]


def mod37_2_is_valid(full: str) -> bool:
    if len(full) < 2 or any(ch not in MOD37_CHARSET for ch in full):
        return False
    return mod37_2_check_char(full[:-1]) == full[-1]
