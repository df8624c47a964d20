"""The Content-Security-Policy headers: the site's policy built once, the rest as django-csp."""

from __future__ import annotations

from csp.constants import NONCE
from csp.middleware import CSPMiddleware as LibraryMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from greencert.core.middleware import CSPMiddleware

HEADER = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"
POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'", NONCE],  # a nonce, where a page asked for one
    }
}


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")}


def answered(middleware_class: type, response: HttpResponse | None = None, nonce: bool = False):
    middleware = middleware_class(lambda request: response or HttpResponse("{}"))
    request = RequestFactory().get("/api/v1/certificates/X")
    middleware.process_request(request)
    if nonce:
        str(request.csp_nonce)  # type: ignore[attr-defined]  # a page's template asked for one
    return request, middleware.process_response(request, response or HttpResponse("{}"))


@override_settings(CONTENT_SECURITY_POLICY=POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY=None)
def test_a_plain_answer_carries_the_policy_django_csp_builds_every_time():
    _, expected = answered(LibraryMiddleware)
    for _ in range(3):
        _, response = answered(CSPMiddleware)
        assert directives(response[HEADER]) == directives(expected[HEADER])
        assert REPORT_ONLY not in response


def test_a_changed_setting_changes_the_policy():
    with override_settings(
        CONTENT_SECURITY_POLICY=POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY=None
    ):
        _, first = answered(CSPMiddleware)
    changed = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=None, CONTENT_SECURITY_POLICY_REPORT_ONLY=changed
    ):
        _, second = answered(CSPMiddleware)
    assert "img-src 'self' data:" in directives(first[HEADER])
    assert HEADER not in second
    assert directives(second[REPORT_ONLY]) == {"default-src 'none'"}


@override_settings(CONTENT_SECURITY_POLICY=POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY=None)
def test_a_view_with_its_own_policy_and_a_page_with_a_nonce_get_their_own_headers():
    own = HttpResponse("<p>")
    own._csp_update = {"img-src": ["https://tiles.example.org"]}  # type: ignore[attr-defined]  # as @csp_update
    _, response = answered(CSPMiddleware, own)
    assert "https://tiles.example.org" in response[HEADER]
    request, response = answered(CSPMiddleware, nonce=True)
    assert f"'nonce-{request._csp_nonce}'" in response[HEADER]
    _, plain = answered(CSPMiddleware)
    assert "nonce" not in plain[HEADER]
    assert "https://tiles.example.org" not in plain[HEADER]


@override_settings(CONTENT_SECURITY_POLICY=POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY=None)
def test_a_header_the_view_wrote_itself_is_kept():
    written = HttpResponse("{}")
    written[HEADER] = "default-src 'none'"
    _, response = answered(CSPMiddleware, written)
    assert response[HEADER] == "default-src 'none'"
