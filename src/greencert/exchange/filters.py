"""Filters of the change feed (``GET /api/v1/changes``)."""

from __future__ import annotations

from typing import Annotated

from django.db.models import Q
from ninja import Field, FilterLookup
from pydantic import field_validator

from greencert.core.filters import QueryFilters


class ChangeFilters(QueryFilters):
    category: Annotated[str | None, FilterLookup("certificate__category__code")] = None
    region: str | None = Field(None, description="GB/T 2260 province, city or district code")
    holder: Annotated[str | None, FilterLookup("certificate__holder__credit_code")] = Field(
        None, description="holder's 统一社会信用代码"
    )

    @field_validator("holder")
    @classmethod
    def _credit_codes_are_upper_case(cls, code: str | None) -> str | None:
        return code.strip().upper() if code else code

    def filter_region(self, code: str | None) -> Q:
        """A province code (xx0000) takes its whole province; a city or district code, the
        certificates of that city or with a site in that district."""
        if not code:
            return Q()
        if code.endswith("0000"):
            return Q(certificate__province_code=code)
        return Q(certificate__city_code=code) | Q(certificate__site_region_id=code)
