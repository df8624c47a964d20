"""Input types of the catalog's API (documented in the OpenAPI document)."""

from __future__ import annotations

from greencert.core.schemas import path_code

# An evaluation scheme's id, as scheme.schema.json defines it.
SchemeIdPath = path_code(
    r"^[a-z][a-z0-9_-]{0,63}$",
    expected_zh="评价方案编号：小写字母开头，小写字母、数字、- 和 _，至多 64 位，如 cgp-coatings",
    expected_en="a scheme id: a small letter, then small letters, digits, - and _, at most 64 "
    "characters, such as cgp-coatings",
    example="cgp-coatings",
    description="the evaluation scheme's id",
)
