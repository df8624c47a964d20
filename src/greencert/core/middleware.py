"""Input no database can store is refused at the door, naming the field.

PostgreSQL text cannot hold the NUL character (U+0000), and no identifier, name or search word of
the registry contains one. A request carrying one in a query parameter, a form field or a JSON
body would otherwise reach the database and fail there; it is answered 422 here, in the API's
error shape for ``/api/`` and as plain text elsewhere, in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Callable

from csp import constants as csp_constants
from csp import middleware as csp
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware import locale
from django.utils.deprecation import MiddlewareMixin

NUL = "\x00"
ANONYMOUS = AnonymousUser()


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


# Paths answered to API tokens and anonymous readers in JSON or plain text, which read no
# session, user, flash message or language: the session, language, authentication and messages
# middlewares are skipped there (each costs time on every request and sets nothing those answers
# use). Security, CommonMiddleware, the NUL check, CSRF and clickjacking still run on them.
# ``/log/witness/`` is an office page under ``/log/`` and ``/api/v1/docs`` a browser page: both
# keep the full chain.
LEAN_PATHS = ("/api/v1/", "/log/", "/healthz")
FULL_CHAIN_PATHS = ("/log/witness/", "/api/v1/docs")


def is_lean_path(path: str) -> bool:
    return path.startswith(LEAN_PATHS) and not path.startswith(FULL_CHAIN_PATHS)


class SkippedOnLeanPaths(MiddlewareMixin):
    """Mixed into a middleware class: on a lean path the request goes straight to the next one.

    Subclasses keep the original's name in their bases, so Django's checks that look for the
    session, authentication and messages middlewares still find them."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_lean_path(request.path_info):
            return self.get_response(request)  # type: ignore[return-value]
        return super().__call__(request)  # type: ignore[return-value]


class SessionMiddleware(SkippedOnLeanPaths, sessions.SessionMiddleware):
    pass


class LocaleMiddleware(SkippedOnLeanPaths, locale.LocaleMiddleware):
    pass


class AuthenticationMiddleware(SkippedOnLeanPaths, auth.AuthenticationMiddleware):
    """On a lean path ``request.user`` is the anonymous user: an API answer depends on its token
    (``request.auth``) alone, never on a browser's login session."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_lean_path(request.path_info):
            request.user = ANONYMOUS
            return self.get_response(request)  # type: ignore[return-value]
        return super().__call__(request)


class MessageMiddleware(SkippedOnLeanPaths, messages.MessageMiddleware):
    pass


# What a view or decorator sets on a response to change its policy (django-csp's decorators).
_OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


class CSPMiddleware(csp.CSPMiddleware):
    """django-csp's middleware, with the site's own policy built once per process.

    A response whose page used no nonce and whose view set no policy of its own (every JSON
    answer, most pages) carries the same two headers each time; django-csp builds them afresh
    for each response, a fifth of what a cached API answer costs. Those responses get the
    headers as built the first time; any other goes through django-csp unchanged."""

    _built: tuple[object, object, str, str] | None = None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _OWN_POLICY
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response  # as django-csp: the debug pages keep their inline scripts
        policy, report_only = self._site_policy()
        for header, value, setting in (
            (csp_constants.HEADER, policy, "CONTENT_SECURITY_POLICY"),
            (csp_constants.HEADER_REPORT_ONLY, report_only, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if (
                value
                and header not in response
                and not request.path_info.startswith(tuple(excluded))
            ):
                response[header] = value
        request.csp_nonce = csp.CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    def _site_policy(self) -> tuple[str, str]:
        """The two headers of the policies in settings, rebuilt when the settings change."""
        enforced = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        reported = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built = self._built
        if built is None or built[0] is not enforced or built[1] is not reported:
            built = (enforced, reported, build_policy(), build_policy(report_only=True))
            self._built = built
        return built[2], built[3]
