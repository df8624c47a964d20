"""Certificate endpoints of /api/v1."""

# No ``from __future__ import annotations``: Ninja resolves a paginated view's annotations in the
# module of @paginate's wrapper, where names of this module are unknown.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from ninja import Query, Router
from ninja.pagination import paginate

from greencert.certification.filters import CertificateFilters
from greencert.certification.foreign import foreign_detail
from greencert.certification.lookup import PUBLIC_RELATED, find_certificate, http_status
from greencert.certification.models import Certificate
from greencert.certification.presenters import detail_dict, lookup_error_dict, summary_dict
from greencert.certification.restrictions import flagged_certificate_ids, flags_for
from greencert.certification.schemas import (
    CertificateDetail,
    CertificateSummary,
    ForeignCertificateDetail,
    SeveralCertificatesBody,
)
from greencert.core.errors import refuse_future_date
from greencert.core.pagination import KeysetPagination
from greencert.core.responses import json_response
from greencert.core.schemas import ERROR_STATUSES, ErrorBody, RegistryDate

router = Router(tags=["certificates 证书"])
ROUTERS = {"/certificates": router}


class CertificatePages(KeysetPagination):
    """The certificate list in registry order, each with its blacklist flag of today."""

    default_limit = 50
    max_limit = 200
    salt = "greencert.certification.certificates"

    def present(self, rows: list[Certificate]) -> list[dict[str, Any]]:
        flagged = flagged_certificate_ids(c.pk for c in rows)
        return [summary_dict(c) | {"blacklisted": c.pk in flagged} for c in rows]


@router.get(
    "",
    response={200: list[CertificateSummary], ERROR_STATUSES: ErrorBody},
    summary="List certificates 证书列表",
)
@paginate(CertificatePages)
def list_certificates(
    request: HttpRequest, filters: Query[CertificateFilters]
) -> QuerySet[Certificate]:
    """Certificates in registry order, filtered; follow `next_cursor` to page through all of them."""
    return filters.filter(Certificate.objects.select_related("holder", "body", "category"))


@router.get(
    "/{number}",
    response={
        200: CertificateDetail | ForeignCertificateDetail,
        300: SeveralCertificatesBody,
        ERROR_STATUSES: ErrorBody,
    },
    url_name="certificate",
    summary="One certificate 证书详情",
)
def get_certificate(
    request: HttpRequest, number: str, at: RegistryDate | None = None
) -> JsonResponse:
    """The certificate with its status history from the event log, found by either number: the
    registry's (`GC…`) or the issuing body's own (机构证书编号, as printed on the body's paper
    certificate; case, full-width characters and spaces do not matter).

    `?at=YYYY-MM-DD` adds the status on that date (at the end of the day, Beijing time).
    A registry number with a wrong check character is answered `mistyped` (400, with existing
    numbers one typo away), an unknown well-formed registry number `not_found` (404), text that
    is neither a registry number nor a body number on record `malformed` (400).

    Two certification bodies may have given the same number to their certificates. Such a body
    number is answered **300 Multiple Choices** with the error envelope, code `several`:
    `candidates` lists the registry numbers and `matches` each certificate in brief with its
    `body` (approval number and name) and `url`, its address by registry number. Ask again with
    the registry number of the certificate whose body matches. (A body number holding a `/`
    cannot be part of this path: find it with `GET /api/v1/certificates?body_number=…`.)

    A certificate another provincial node is authoritative for (外省证书) is answered from this
    node's copy of that node's verified log, with `authority`: the node, its verify page, and
    the checkpoint of its log the answer rests on (`ForeignCertificateDetail`).

    The `ETag` header is the certificate's last event sequence (`"123"`): a body's system sends
    it back as `If-Match` when it records a change, which is refused if another came in between.
    """
    refuse_future_date("at", at)
    lookup = find_certificate(number)
    if lookup.certificate is None:
        foreign = foreign_detail(lookup.normalised, at) if lookup.verdict == "not_found" else None
        if foreign is not None:
            return json_response(foreign)
        return json_response(lookup_error_dict(lookup, number), status=http_status(lookup))
    flags = flags_for(lookup.certificate)
    response = json_response(
        detail_dict(lookup.certificate, at) | {"blacklisted": bool(flags), "blacklist": flags}
    )
    response["ETag"] = f'"{lookup.certificate.last_event_sequence}"'
    return response


__all__ = ["PUBLIC_RELATED", "router"]
