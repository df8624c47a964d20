"""``GET /api/v1/search``: the portal's search, with the same filters and cursor pagination."""

# No ``from __future__ import annotations``: Ninja resolves a paginated view's annotations in the
# module of @paginate's wrapper, where names of this module are unknown.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from greencert.core.schemas import ERROR_STATUSES, ErrorBody
from greencert.portal.filters import SearchFilters
from greencert.portal.search import Search, SearchPages

router = Router(tags=["search 检索"])
ROUTERS = {"/search": router}


class Named(Schema):
    code: str
    name_zh: str
    name_en: str


class Party(Schema):
    id: str
    name: str


class Status(Schema):
    code: str
    label_zh: str
    label_en: str
    reason_code: str
    reason_zh: str
    reason_en: str


class SearchHit(Schema):
    kind: str = Field(description="certificate, enterprise or body")
    key: str = Field(description="certificate number, credit code or approval number")
    body_number: str | None = Field(
        None, description="a certificate's 机构证书编号, the number its issuing body gave it"
    )
    name: str = ""
    url: str = Field("", description="the verify page of a certificate; a search for a party")
    province: Named
    city: Named
    in_pilot_zone: bool
    in_demonstration_zone: bool
    blacklisted: bool = Field(
        False,
        description="a certificate whose holder or issuing body is on the blacklist (黑名单) "
        "today, or an enterprise or body on it",
    )
    status: Status | None = None
    holder: Party | None = None
    body: Party | None = None
    category: Named | None = None
    products: list[dict[str, Any]] | None = None
    service_site: str | None = None
    grade: str | None = None
    issue_date: dt.date | None = None
    expiry_date: dt.date | None = None


@router.get(
    "",
    response={200: list[SearchHit], ERROR_STATUSES: ErrorBody},
    summary="Search the register 检索",
)
@paginate(SearchPages)
def search(request: HttpRequest, filters: Query[SearchFilters]) -> Search:
    """Certificates, certified enterprises and certification bodies matching `q` (Chinese words of
    two or more characters, Latin words, or a number exactly or by prefix: a certificate's registry
    number or its issuing body's own number (机构证书编号), a credit code, an approval number),
    newest first. Filters narrow the results; certificate-only filters
    (category, body, holder, status, grade, issue dates) leave only certificates."""
    return Search(filters)
