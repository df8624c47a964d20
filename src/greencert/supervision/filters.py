"""Filters of the public blacklist (``GET /api/v1/supervision/blacklist``)."""

from __future__ import annotations

from typing import Annotated

from django.db.models import Q
from ninja import Field, FilterLookup
from pydantic import field_validator

from greencert.core.filters import QueryFilters
from greencert.supervision.blacklist import in_force


class BlacklistFilters(QueryFilters):
    in_force: bool = Field(True, description="only listings in force today; false: the history")
    subject: Annotated[
        str | None, FilterLookup(["enterprise__credit_code", "body__approval_number"])
    ] = Field(None, description="统一社会信用代码 or CNCA approval number")

    @field_validator("subject")
    @classmethod
    def _codes_are_upper_case(cls, code: str | None) -> str | None:
        return code.strip().upper() if code else code

    def filter_in_force(self, only_in_force: bool) -> Q:
        return in_force() if only_in_force else Q()
