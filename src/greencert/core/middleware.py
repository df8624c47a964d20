"""Input no database can store is refused at the door, naming the field.

PostgreSQL text cannot hold the NUL character (U+0000), and no identifier, name or search word of
the registry contains one. A request carrying one in a query parameter, a form field or a JSON
body would otherwise reach the database and fail there; it is answered 422 here, in the API's
error shape for ``/api/`` and as plain text elsewhere, in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

NUL = "\x00"


def _offending_field(request: HttpRequest) -> str | None:
    if NUL in request.path:
        return "path"
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in v for v in values):
            return name.replace(NUL, "")
    content_type = request.content_type or ""
    if request.method in {"POST", "PUT", "PATCH"}:
        if content_type.startswith("application/json"):
            if b"\x00" in request.body or b"\\u0000" in request.body:
                return "body"
        elif content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            for name, values in request.POST.lists():
                if NUL in name or any(NUL in v for v in values):
                    return name.replace(NUL, "")
    return None


class RefuseNulCharacterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = _offending_field(request)
        if field is None:
            return self.get_response(request)
        zh = f"字段 {field} 含有空字符（U+0000）：应为不含控制字符的文本"
        en = f"{field}: contains a NUL character (U+0000); expected text without control characters"
        if request.path.startswith("/api/"):
            error = {
                "code": "invalid",
                "field": field,
                "value": "\\u0000",
                "message_zh": zh,
                "message_en": en,
            }
            return JsonResponse(
                {"error": error, "errors": [error]},
                status=422,
                json_dumps_params={"ensure_ascii": False},
            )
        return HttpResponse(
            f"{zh}\n{en}\n".encode(), status=422, content_type="text/plain; charset=utf-8"
        )
