"""What anonymous clients may ask this node to draw: printable documents (PDF certificates, marks
as PDF, status receipts) cost a rendering or a signature and a log read each, so each client
(``core.clients.client_address``) gets ``GREENCERT_DOCUMENTS_PER_MINUTE`` a minute, counted in the
cache all server processes share; a receipt already made for a certificate and date is served
from that cache and counts against nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from greencert.certification.lifecycle.log import last_sequence
from greencert.certification.models import Certificate
from greencert.core.clients import client_address
from greencert.core.errors import UserFacingError

WINDOW_SECONDS = 60


class TooManyDocuments(UserFacingError):
    code = "rate_limited"
    http_status = 429


def _rate(group: str, request: HttpRequest) -> tuple[int, int]:
    return settings.GREENCERT_DOCUMENTS_PER_MINUTE, WINDOW_SECONDS


def check_document_rate(request: HttpRequest) -> None:
    """Counts one document for the client; refuses it past the limit."""
    if is_ratelimited(request, group="greencert.documents", key="ip", rate=_rate, increment=True):
        limit = settings.GREENCERT_DOCUMENTS_PER_MINUTE
        raise TooManyDocuments(
            field="client",
            value=client_address(request),
            expected_zh=f"每个地址每分钟最多生成 {limit} 份文件（PDF、核验回执），请一分钟后再试",
            expected_en=(
                f"at most {limit} documents (PDFs, status receipts) a minute from one address; "
                "try again in a minute"
            ),
        )


def cached_receipt(
    request: HttpRequest, cert: Certificate, day: dt.date, fmt: str, make: Callable[[], Any]
) -> Any:
    """The receipt of ``cert`` on ``day`` in ``fmt``: made once per certificate, date, format and
    state of the event log (a new event anywhere makes the next receipt anew, so a cached one
    never states less than a fresh one would), then served from the shared cache."""
    key = f"greencert.receipt:{cert.pk}:{last_sequence()}:{day.isoformat()}:{fmt}"
    cache = caches["shared"]
    found = cache.get(key)
    if found is not None:
        return found
    check_document_rate(request)
    made = make()
    cache.set(key, made, timeout=settings.GREENCERT_RECEIPT_CACHE_SECONDS)
    return made
