"""Certificate endpoints of /api/v1."""

# No ``from __future__ import annotations``: Ninja resolves a paginated view's annotations in the
# module of @paginate's wrapper, where names of this module are unknown.

import datetime as dt
import json
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from ninja import Query, Router
from ninja.pagination import paginate

from greencert.certification.body_numbers import normalise_body_number
from greencert.certification.filters import CertificateFilters
from greencert.certification.foreign import foreign_detail
from greencert.certification.lookup import PUBLIC_RELATED, Lookup, find_certificate, http_status
from greencert.certification.models import Certificate
from greencert.certification.numbers import check_number, number_pattern
from greencert.certification.presenters import (
    detail_dict,
    lookup_error_dict,
    status_at_dict,
    summary_dict,
)
from greencert.certification.public_document import encode
from greencert.certification.public_read import (
    StoredDocument,
    StoredVersion,
    document_by_body_number,
    document_by_number,
    document_of,
    version_by_number,
)
from greencert.certification.restrictions import flagged_certificate_ids, flags_for
from greencert.certification.schemas import (
    CertificateDetail,
    CertificateNumberPath,
    CertificateSummary,
    ForeignCertificateDetail,
    SeveralCertificatesBody,
)
from greencert.core.errors import refuse_future_date
from greencert.core.http_cache import conditional, entity_tag, set_validators
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
    request: HttpRequest, number: CertificateNumberPath, at: RegistryDate | None = None
) -> HttpResponseBase:
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

    The answer is the certificate's public document as stored, kept up to date with every event
    in the event's own transaction. Its `ETag` is the certificate's last event sequence (`"123"`)
    or, once a certificate it shows (the same audit, the supply chain) has changed since, that
    sequence and the newest of theirs (`"123.130"`). A body's system sends it back as `If-Match`
    when it records a change, which is refused if another came in between. `Last-Modified`
    goes with it; `If-None-Match` or `If-Modified-Since` get **304 Not Modified** while nothing
    changed. Shared caches may keep an answer for a minute (`Cache-Control: s-maxage=60`).
    """
    refuse_future_date("at", at)
    stored, lookup = _stored_document(number)
    if stored is None:
        return _without_document(number, at, lookup)
    return _stored_answer(request, stored, at)


def _stored_answer(
    request: HttpRequest, stored: StoredDocument, at: dt.date | None = None
) -> HttpResponseBase:
    """The stored document as the answer, or 304 while the asker's copy is current."""
    etag = document_etag(stored, at)
    unchanged = conditional(request, etag, stored.changed_at)
    if unchanged is not None:
        return unchanged
    body = stored.body if at is None else _with_status_at(stored.body, at)
    response = HttpResponse(body, content_type="application/json")
    set_validators(response, etag, stored.changed_at)
    return response


def plain_lookup(request: HttpRequest, number: str) -> HttpResponseBase | None:
    """The busiest request of the API, answered before the framework's per-request work: a GET
    with no query and no token (a QR scan's app, a procurement platform checking one
    certificate) of a registry number exactly as stored, or of a body's own number as it is
    kept (upper case, half-width, no spaces) that one certificate carries. Its answer is the one
    ``get_certificate`` gives, which answers everything else (None here): typing mistakes, a
    body number several bodies gave, ``?at``, other methods, certificates another node keeps.
    Nothing is validated here that a stored number could fail, and no throttle counts requests
    without a token."""
    if (
        request.method != "GET"
        or request.META.get("QUERY_STRING")
        or "HTTP_AUTHORIZATION" in request.META
    ):
        return None
    if number_pattern().match(number):
        if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
            version = version_by_number(number)  # a cache revalidating: the document unread
            if version is None:
                return None
            unchanged = conditional(request, document_etag(version), version.changed_at)
            if unchanged is not None:
                return unchanged
        stored = document_by_number(number)
    elif check_number(number).verdict == "malformed" and normalise_body_number(number) == number:
        stored = document_by_body_number(number)  # what get_certificate looks a body number up by
    else:
        return None
    return None if stored is None else _stored_answer(request, stored)


def document_etag(stored: StoredVersion, at: dt.date | None = None) -> str:
    """The answer's entity tag; an answer with ``?at`` is a variant of its own."""
    if at is not None:
        return entity_tag(stored.own_sequence, stored.version, at.isoformat())
    if stored.version == stored.own_sequence:
        return entity_tag(stored.own_sequence)
    return entity_tag(stored.own_sequence, stored.version)


def _stored_document(number: str) -> tuple[StoredDocument | None, Lookup | None]:
    """The stored document of the certificate ``number`` names, by one read for a registry
    number; otherwise the lookup that found no single certificate, or found one by its body
    number."""
    check = check_number(number)
    if check.verdict == "well_formed":
        stored = document_by_number(check.normalised)
        if stored is not None:
            return stored, None
    lookup = find_certificate(number)
    if lookup.certificate is None:
        return None, lookup
    return document_of(lookup.certificate.pk), lookup


def _with_status_at(body: bytes, at: dt.date) -> bytes:
    """The stored document with ``at``: the status at the end of that day, from its history."""
    document = json.loads(body)
    history = [
        row | {"effective_at": dt.datetime.fromisoformat(row["effective_at"])}
        for row in document["history"]
    ]
    document["at"] = status_at_dict(history, at)
    return encode(document)


def _without_document(number: str, at: dt.date | None, lookup: Lookup | None) -> HttpResponseBase:
    """A foreign certificate, an error, or a certificate whose document is not yet built (a
    database migrated but not rebuilt): computed as it is asked for."""
    lookup = lookup or find_certificate(number)
    if lookup.certificate is None:
        foreign = foreign_detail(lookup.normalised, at) if lookup.verdict == "not_found" else None
        if foreign is not None:
            return json_response(foreign)
        return json_response(lookup_error_dict(lookup, number), status=http_status(lookup))
    flags = flags_for(lookup.certificate)
    response = json_response(
        detail_dict(lookup.certificate, at) | {"blacklisted": bool(flags), "blacklist": flags}
    )
    response["ETag"] = entity_tag(lookup.certificate.last_event_sequence)
    return response


__all__ = ["PUBLIC_RELATED", "plain_lookup", "router"]
