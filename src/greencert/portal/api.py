"""``GET /api/v1/search``: the portal's search, with the same filters and cursor pagination."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from greencert.core.schemas import ERROR_STATUSES, ErrorBody
from greencert.portal.results import hit_dict, region_names
from greencert.portal.search import MAX_LIMIT, build_request, run_search

router = Router(tags=["search 检索"])


class SearchFilters(Schema):
    q: str = Field("", max_length=100, description="words, a certificate number or credit code")
    kind: str | None = Field(None, description="certificate, enterprise or body")
    province: str | None = Field(None, description="GB/T 2260 province code, e.g. 320000")
    city: str | None = Field(None, description="GB/T 2260 city code, e.g. 320500")
    pilot_zone: bool | None = Field(None, description="in the pilot zone (先行区) or not")
    demonstration_zone: bool | None = Field(None, description="in the demonstration zone (示范区)")
    category: str | None = Field(None, description="catalog category code, e.g. coatings")
    body: str | None = Field(None, description="certification body's CNCA approval number")
    holder: str | None = Field(None, description="holder's 统一社会信用代码")
    status: str | None = Field(None, pattern=r"^0[1-5]$", description="01 … 05")
    grade: str | None = Field(None, max_length=32, description="grade of a graded service")
    issued_from: dt.date | None = Field(None, description="issued on or after (YYYY-MM-DD)")
    issued_to: dt.date | None = Field(None, description="issued on or before (YYYY-MM-DD)")
    cursor: str | None = Field(None, description="next_cursor of the previous page")
    limit: int = Field(20, ge=1, le=MAX_LIMIT)


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


class SearchResults(Schema):
    items: list[SearchHit]
    next_cursor: str | None


@router.get(
    "/search",
    response={200: SearchResults, ERROR_STATUSES: ErrorBody},
    summary="Search the register 检索",
)
def search(request: HttpRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    """Certificates, certified enterprises and certification bodies matching `q` (Chinese words of
    two or more characters, Latin words, or a certificate number / credit code / approval number,
    exactly or by prefix), newest first. Filters narrow the results; certificate-only filters
    (category, body, holder, status, grade, issue dates) leave only certificates."""
    page = run_search(
        build_request(
            q=filters.q,
            kind=filters.kind or "",
            province=filters.province or "",
            city=filters.city or "",
            pilot_zone=filters.pilot_zone,
            demonstration_zone=filters.demonstration_zone,
            category=filters.category or "",
            body=filters.body or "",
            holder=filters.holder or "",
            status=filters.status or "",
            grade=filters.grade or "",
            issued_from=filters.issued_from,
            issued_to=filters.issued_to,
            cursor=filters.cursor or "",
            limit=filters.limit,
        )
    )
    names = region_names()
    items = [hit_dict(d, names, blacklisted=d.pk in page.blacklisted) for d in page.documents]
    return {"items": items, "next_cursor": page.next_cursor}
