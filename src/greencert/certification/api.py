"""Certificate endpoints of /api/v1."""

from __future__ import annotations

import base64
import datetime as dt

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from greencert.certification.lookup import MESSAGES, PUBLIC_RELATED, find_certificate
from greencert.certification.models import Certificate
from greencert.certification.numbers import prefix
from greencert.certification.presenters import detail_dict, summary_dict
from greencert.certification.restrictions import flagged_certificate_ids, flags_for
from greencert.certification.schemas import CertificateDetail, CertificatePage
from greencert.core.errors import ValidationFailed
from greencert.core.responses import json_response
from greencert.core.schemas import ERROR_STATUSES, ErrorBody

router = Router(tags=["certificates 证书"])

MAX_PAGE = 200


class CertificateFilters(Schema):
    holder: str | None = Field(None, description="holder's 统一社会信用代码")
    body: str | None = Field(None, description="certification body's CNCA approval number")
    category: str | None = Field(None, description="catalog category code, e.g. coatings")
    province: str | None = Field(None, description="GB/T 2260 province code, e.g. 320000")
    city: str | None = Field(None, description="GB/T 2260 city code, e.g. 320500")
    pilot_zone: bool | None = Field(
        None, description="only certificates in the pilot zone (先行区)"
    )
    demonstration_zone: bool | None = Field(
        None, description="only the demonstration zone (示范区)"
    )
    status: str | None = Field(None, pattern=r"^0[1-5]$", description="01 … 05")
    cursor: str | None = Field(None, description="next_cursor of the previous page")
    limit: int = Field(50, ge=1, le=MAX_PAGE)


def _decode_cursor(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed(
            field="cursor",
            value=cursor,
            expected_zh="上一页响应中的 next_cursor",
            expected_en="the next_cursor of a previous page",
        ) from None


def _encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


@router.get(
    "",
    response={200: CertificatePage, ERROR_STATUSES: ErrorBody},
    summary="List certificates 证书列表",
)
def list_certificates(request: HttpRequest, filters: Query[CertificateFilters]) -> JsonResponse:
    """Certificates in registry order, filtered; follow `next_cursor` to page through all of them."""
    qs = Certificate.objects.select_related("holder", "body", "category").order_by("id")
    if filters.holder:
        qs = qs.filter(holder__credit_code=filters.holder.strip().upper())
    if filters.body:
        qs = qs.filter(body__approval_number=filters.body.strip().upper())
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.province:
        qs = qs.filter(province_code=filters.province)
    if filters.city:
        qs = qs.filter(city_code=filters.city)
    if filters.pilot_zone is not None:
        qs = qs.filter(in_pilot_zone=filters.pilot_zone)
    if filters.demonstration_zone is not None:
        qs = qs.filter(in_demonstration_zone=filters.demonstration_zone)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.cursor:
        qs = qs.filter(id__gt=_decode_cursor(filters.cursor))
    rows = list(qs[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    flagged = flagged_certificate_ids(c.pk for c in rows)
    return json_response(
        {
            "items": [summary_dict(c) | {"blacklisted": c.pk in flagged} for c in rows],
            "next_cursor": _encode_cursor(rows[-1].pk) if more else None,
        }
    )


@router.get(
    "/{number}",
    response={200: CertificateDetail, ERROR_STATUSES: ErrorBody},
    summary="One certificate 证书详情",
)
def get_certificate(request: HttpRequest, number: str, at: dt.date | None = None) -> JsonResponse:
    """The certificate with its status history from the event log.

    `?at=YYYY-MM-DD` adds the status on that date (at the end of the day, Beijing time).
    A number with a wrong check character is answered `mistyped` (with existing numbers one
    typo away), a number of the wrong shape `malformed`, an unknown one `not_found`.
    """
    if at is not None and at > timezone.localdate():
        raise ValidationFailed(
            field="at",
            value=at.isoformat(),
            expected_zh="今天或以前的日期",
            expected_en="today or a past date",
        )
    lookup = find_certificate(number)
    if lookup.certificate is None:
        zh, en = MESSAGES[lookup.verdict]
        return json_response(
            {
                "error": {
                    "code": lookup.verdict,
                    "field": "number",
                    "value": number,
                    "message_zh": zh.format(prefix=prefix()),
                    "message_en": en.format(prefix=prefix()),
                    "candidates": lookup.candidates,
                }
            },
            status=404 if lookup.verdict == "not_found" else 400,
        )
    flags = flags_for(lookup.certificate)
    return json_response(
        detail_dict(lookup.certificate, at) | {"blacklisted": bool(flags), "blacklist": flags}
    )


__all__ = ["PUBLIC_RELATED", "router"]
