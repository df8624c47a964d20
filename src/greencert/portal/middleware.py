"""``?lang=en`` (or ``zh-hans``) on any page switches language and remembers it in a cookie."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from greencert.core.middleware import is_lean_path

SUPPORTED = {code for code, _name in settings.LANGUAGES}
ALIASES = {"zh": "zh-hans", "zh-cn": "zh-hans", "cn": "zh-hans"}


class QueryLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_lean_path(request.path_info):  # JSON answers, in both languages at once
            return self.get_response(request)
        raw = request.GET.get("lang", "").lower()
        chosen = ALIASES.get(raw, raw)
        if chosen in SUPPORTED:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = chosen
        response = self.get_response(request)
        if chosen in SUPPORTED:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 24 * 3600, samesite="Lax"
            )
        return response
