"""HTTP validators and lifetimes that browsers and a CDN in front of the node can use.

A public view names its version (an entity tag, usually a log sequence, and the time it last
changed) before doing its work; ``not_modified`` answers a conditional request (``If-None-Match``,
``If-Modified-Since``) with 304 and no body, so a cache revalidating a page costs one indexed read.
Django's ``get_conditional_response`` applies the RFC 9110 rules; this module only chooses the
headers.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

# Public certificate views: a shared cache (a CDN) answers a burst of scans of one product for up
# to a minute, so a suspension or revocation shows there within a minute; a browser asks again each
# time (a 304 while nothing changed), so the person who made a change sees it at once.
PUBLIC_LIFETIME = 60
PUBLIC = f"public, max-age=0, s-maxage={PUBLIC_LIFETIME}"
# A page that differs by person (a signed-in user sees more) is kept by no shared cache.
PRIVATE = "private, no-cache"


def entity_tag(*parts: object, weak: bool = False) -> str:
    """An entity tag: the parts joined by dots, quoted (``"123"``, ``"123.en"``). ``weak`` for
    answers that say the same thing in bytes that differ (a signature's or printing's time)."""
    tag = '"' + ".".join(str(p) for p in parts if p not in (None, "")) + '"'
    return f"W/{tag}" if weak else tag


def not_modified(
    request: HttpRequest, etag: str, last_modified: dt.datetime | None
) -> HttpResponseBase | None:
    """The 304 (or 412) answer to a conditional request that the version ``etag`` /
    ``last_modified`` satisfies, or None when the full answer is due."""
    timestamp = int(last_modified.timestamp()) if last_modified is not None else None
    return get_conditional_response(request, etag=etag, last_modified=timestamp)


def set_validators(
    response: HttpResponseBase,
    etag: str,
    last_modified: dt.datetime | None,
    *,
    cache_control: str = PUBLIC,
    vary: tuple[str, ...] = (),
) -> HttpResponseBase:
    """Give ``response`` (a full answer or a 304) its validators, lifetime and ``Vary``."""
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = cache_control
    if vary:
        patch_vary_headers(response, vary)
    return response


def conditional(
    request: HttpRequest,
    etag: str,
    last_modified: dt.datetime | None,
    *,
    cache_control: str = PUBLIC,
    vary: tuple[str, ...] = (),
) -> HttpResponseBase | None:
    """``not_modified`` with the validators set on the 304, as RFC 9110 asks."""
    answer = not_modified(request, etag, last_modified)
    if answer is None:
        return None
    return set_validators(answer, etag, last_modified, cache_control=cache_control, vary=vary)


__all__ = [
    "PRIVATE",
    "PUBLIC",
    "PUBLIC_LIFETIME",
    "conditional",
    "entity_tag",
    "not_modified",
    "set_validators",
]
