"""Filters of the certificate list (``GET /api/v1/certificates``)."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, FilterLookup
from pydantic import field_validator

from greencert.certification.body_numbers import normalise_body_number
from greencert.certification.lifecycle import STATUS_CODES, STATUS_PATTERN
from greencert.core.filters import QueryFilters


class CertificateFilters(QueryFilters):
    holder: Annotated[str | None, FilterLookup("holder__credit_code")] = Field(
        None, description="holder's 统一社会信用代码"
    )
    body: Annotated[str | None, FilterLookup("body__approval_number")] = Field(
        None, description="certification body's CNCA approval number"
    )
    body_number: Annotated[str | None, FilterLookup("body_number")] = Field(
        None,
        max_length=80,
        description="机构证书编号, the issuing body's own certificate number (case, full-width "
        "characters and spaces do not matter); two bodies may share one",
    )
    category: Annotated[str | None, FilterLookup("category__code")] = Field(
        None, description="catalog category code, e.g. coatings"
    )
    province: Annotated[str | None, FilterLookup("province_code")] = Field(
        None, description="GB/T 2260 province code, e.g. 320000"
    )
    city: Annotated[str | None, FilterLookup("city_code")] = Field(
        None, description="GB/T 2260 city code, e.g. 320500"
    )
    pilot_zone: Annotated[bool | None, FilterLookup("in_pilot_zone")] = Field(
        None, description="only certificates in the pilot zone (先行区)"
    )
    demonstration_zone: Annotated[bool | None, FilterLookup("in_demonstration_zone")] = Field(
        None, description="only the demonstration zone (示范区)"
    )
    status: Annotated[str | None, FilterLookup("status")] = Field(
        None, pattern=STATUS_PATTERN, description=STATUS_CODES
    )

    @field_validator("holder", "body")
    @classmethod
    def _codes_are_upper_case(cls, code: str | None) -> str | None:
        return code.strip().upper() if code else code

    @field_validator("body_number")
    @classmethod
    def _body_number_as_stored(cls, number: str | None) -> str | None:
        return normalise_body_number(number) if number else number
