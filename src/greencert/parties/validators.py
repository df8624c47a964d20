"""Validation of party identifiers, raising bilingual errors that name field, value and expectation."""

from __future__ import annotations

import re
from functools import lru_cache

from greencert.core.checkchars import CodeProblem, normalise_code, uscc_problem
from greencert.core.errors import ValidationFailed

APPROVAL_NUMBER = re.compile(r"^CNCA-R(F)?-(19|20)\d{2}-\d{2,4}$")
CMA_NUMBER = re.compile(r"^\d{12}$")


def clean_credit_code(raw: str, *, field: str = "credit_code") -> tuple[str, CodeProblem | None]:
    """Normalise a 统一社会信用代码; return it with the problem found (None when valid)."""
    return _cleaned(raw)


# An import checks each row's holder several times over; the answer never changes.
@lru_cache(maxsize=65_536)
def _cleaned(raw: str) -> tuple[str, CodeProblem | None]:
    code = normalise_code(raw)
    return code, uscc_problem(code)


def require_valid_credit_code(raw: str, *, field: str = "credit_code") -> str:
    code, problem = clean_credit_code(raw, field=field)
    if problem:
        raise ValidationFailed(
            field=field,
            value=raw,
            expected_zh=f"统一社会信用代码（GB 32100-2015）{problem.zh}",
            expected_en=f"a unified social credit code (GB 32100-2015): {problem.en}",
            code="invalid_credit_code",
        )
    return code


def require_approval_number(raw: str, *, field: str = "approval_number") -> str:
    value = raw.strip().upper()
    if not APPROVAL_NUMBER.match(value):
        raise ValidationFailed(
            field=field,
            value=raw,
            expected_zh="认证机构批准号，格式 CNCA-R-YYYY-NNN（3–4 位序号；外资机构为 CNCA-RF-…）",
            expected_en="a CNCA approval number such as CNCA-R-2002-001 (3-4 digit serial; "
            "CNCA-RF-… for foreign-invested bodies)",
            code="invalid_approval_number",
        )
    return value


def require_cma_number(raw: str, *, field: str = "cma_number") -> str:
    value = raw.strip()
    if not CMA_NUMBER.match(value):
        raise ValidationFailed(
            field=field,
            value=raw,
            expected_zh="检验检测机构资质认定（CMA）证书编号，12 位数字",
            expected_en="a CMA accreditation number of 12 digits",
            code="invalid_cma_number",
        )
    return value
