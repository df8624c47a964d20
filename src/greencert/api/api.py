"""The REST API (/api/v1): one NinjaAPI mounting each app's router."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from greencert.api.errors import describe
from greencert.certification.api import router as certificates_router
from greencert.core.errors import UserFacingError

api = NinjaAPI(
    title="greencert API — 长三角绿色认证一体化平台",
    version="1.0.0",
    description=(
        "Public registry of green product and graded green service certificates of the "
        "Yangtze River Delta (上海、江苏、浙江、安徽). Certificate statuses use the national codes "
        "01 有效 valid · 02 暂停 suspended · 03 撤销 revoked · 04 注销 cancelled · 05 过期失效 expired. "
        "Errors carry `message_zh` and `message_en` naming the field, the value and what was expected."
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api-v1",
)
api.add_router("/certificates", certificates_router)


@api.exception_handler(UserFacingError)
def user_facing_error(request: HttpRequest, exc: UserFacingError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.http_status)


@api.exception_handler(NinjaValidationError)
def request_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [describe(request, e) for e in exc.errors]
    return api.create_response(request, {"error": errors[0], "errors": errors}, status=422)
