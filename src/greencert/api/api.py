"""The REST API (/api/v1): one NinjaAPI mounting each app's router."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import orjson
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, renderers
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import NinjaJSONEncoder

from greencert.api.errors import describe
from greencert.catalog import api as catalog_api
from greencert.certification import api as certification_api
from greencert.core.errors import UserFacingError
from greencert.exchange import api as exchange_api
from greencert.exchange.throttling import ClientRateThrottle, limit_of
from greencert.exchange.tlog import api as tlog_api
from greencert.exchange.witness import api as witness_api
from greencert.governance import api as governance_api
from greencert.marks import api as marks_api
from greencert.portal import api as portal_api
from greencert.supervision import api as supervision_api


class JSONRenderer(renderers.JSONRenderer):
    """UTF-8 JSON with Chinese left readable, written by orjson (about twenty times faster than
    the standard library's encoder). Dates and times, decimals and lazy strings are handed to
    Ninja's encoder, so they read exactly as Django writes them (milliseconds, ``Z`` for UTC)."""

    encoder = NinjaJSONEncoder()
    options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        try:
            return orjson.dumps(data, default=self.encoder.default, option=self.options)
        except orjson.JSONEncodeError:
            # What orjson cannot write (an integer beyond 64 bits echoed from a request in a
            # validation error) the standard library can.
            return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False).encode()


def _one_view(views: list[Callable[..., HttpResponse]]) -> Callable[..., HttpResponse]:
    """One view for a path several routers serve, each with other methods: the first view that
    has an operation for the method answers (Ninja's path views answer 405 before running any
    authentication, throttle or handler when they have none)."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        allowed: set[str] = set()
        for each in views:
            response = each(request, *args, **kwargs)
            if not isinstance(response, HttpResponseNotAllowed):
                return response
            allowed.update(m.strip() for m in response["Allow"].split(","))
        return HttpResponseNotAllowed(sorted(allowed), content=b"Method not allowed")

    view.csrf_exempt = True  # type: ignore[attr-defined]  # as Ninja's own views
    return view


class RegistryAPI(NinjaAPI):
    """Apps mount routers under a shared prefix (``/certificates``), and two of them may serve
    one path with different methods (GET by certification, POST by a body's system in exchange):
    such a path gets one view, or Django would route every method to the first router."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        views: dict[str, list[Callable[..., HttpResponse]]] = {}
        for url in urls:
            if isinstance(url, URLPattern):
                shared = views.setdefault(str(url.pattern), [])
                if url.callback not in shared:
                    shared.append(url.callback)
        joined = {route: _one_view(found) for route, found in views.items() if len(found) > 1}
        for url in urls:
            if isinstance(url, URLPattern) and str(url.pattern) in joined:
                url.callback = joined[str(url.pattern)]
            if isinstance(url, URLPattern) and str(url.pattern) in PLAIN_READS:
                url.callback = _plain_first(PLAIN_READS[str(url.pattern)], url.callback)
        return urls


def _plain_first(
    plain: Callable[..., HttpResponseBase | None], view: Callable[..., HttpResponseBase]
) -> Callable[..., HttpResponseBase]:
    """``view``, but a request ``plain`` answers (anything but None) is answered by it."""

    def first(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        answer = plain(request, *args, **kwargs)
        return view(request, *args, **kwargs) if answer is None else answer

    first.csrf_exempt = True  # type: ignore[attr-defined]  # as Ninja's own views
    first.operation_view = view  # type: ignore[attr-defined]  # for tests comparing the two
    return first


# Routes whose commonest request a plain view answers the same way, for speed (each names why
# its answer is the operation's own: certification.api.plain_lookup).
PLAIN_READS: dict[str, Callable[..., HttpResponseBase | None]] = {
    "certificates/<number>": certification_api.plain_lookup,
}


api = RegistryAPI(
    renderer=JSONRenderer(),
    title="greencert API — 长三角绿色认证一体化平台",
    version="1.0.0",
    description=(
        "Public registry of green product and graded green service certificates of the "
        "Yangtze River Delta (上海、江苏、浙江、安徽). Certificate statuses use the national codes "
        "01 有效 valid · 02 暂停 suspended · 03 撤销 revoked · 04 注销 cancelled · 05 过期失效 expired. "
        "Errors carry `message_zh` and `message_en` naming the field, the value and what was expected. "
        "Certification bodies' own systems write their certificates with a `certify` token bound "
        "to the body: `POST /api/v1/certificates` and `POST /api/v1/certificates/{number}/events`, "
        "each with an `Idempotency-Key` (a retry answers as the first time, "
        "`Idempotent-Replayed: true`; kept 24 hours), changes optionally with `If-Match` set to "
        "the certificate's `ETag` (its last event sequence; 409 when stale)."
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api-v1",
    throttle=ClientRateThrottle(),
)
# Each app's api module names the path prefix of each of its routers.
for app_api in (
    certification_api,
    marks_api,
    catalog_api,
    supervision_api,
    governance_api,
    exchange_api,
    tlog_api,
    witness_api,
    portal_api,
):
    for prefix, router in app_api.ROUTERS.items():
        api.add_router(prefix, router)


def _error(
    request: HttpRequest, status: int, code: str, field: str, value: str, zh: str, en: str
) -> HttpResponse:
    body = {
        "error": {"code": code, "field": field, "value": value, "message_zh": zh, "message_en": en}
    }
    return api.create_response(request, body, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(
        request,
        404,
        "not_found",
        "path",
        request.path,
        "没有这个资源（或不属于您）",
        "no such resource (or it is not yours)",
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # Ninja's only 400 of its own: a body that is not JSON
        return _error(
            request,
            400,
            "invalid_json",
            "body",
            "",
            "请求体应为 UTF-8 编码的 JSON 对象",
            "the request body must be a UTF-8 JSON object",
        )
    return _error(request, exc.status_code, "http_error", "request", "", str(exc), str(exc))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    error = {
        "code": "unauthenticated",
        "field": "Authorization",
        "value": "",
        "message_zh": "须提供有效的接口令牌：Authorization: Bearer <令牌>",
        "message_en": "a valid API token is required: Authorization: Bearer <token>",
    }
    response = api.create_response(request, {"error": error}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="greencert"'
    return response


@api.exception_handler(Throttled)
def rate_limited(request: HttpRequest, exc: Throttled) -> HttpResponse:
    """Ninja adds the Retry-After header from the throttle's wait."""
    limit, wait = limit_of(request), math.ceil(exc.wait or 1)
    error = {
        "code": "rate_limited",
        "field": "Authorization",
        "value": "",
        "message_zh": f"请求过于频繁：每分钟最多 {limit} 次，请 {wait} 秒后重试",
        "message_en": f"too many requests: at most {limit} a minute; retry in {wait} s",
    }
    return api.create_response(request, {"error": error}, status=429)


@api.exception_handler(UserFacingError)
def user_facing_error(request: HttpRequest, exc: UserFacingError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.http_status)


@api.exception_handler(NinjaValidationError)
def request_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [describe(request, e) for e in exc.errors]
    return api.create_response(request, {"error": errors[0], "errors": errors}, status=422)
