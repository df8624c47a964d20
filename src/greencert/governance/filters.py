"""Filters of the alliance's member list (``GET /api/v1/alliance/members``)."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, FilterLookup

from greencert.core.filters import QueryFilters


class MemberFilters(QueryFilters):
    kind: str | None = Field(None, description="kind of organisation, e.g. university")
    province: Annotated[str | None, FilterLookup("province_code")] = Field(
        None, description="GB/T 2260 province code, e.g. 310000"
    )
    state: str | None = Field(None, description="active, suspended or exited")
