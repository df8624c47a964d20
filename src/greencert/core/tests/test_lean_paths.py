"""The JSON paths (``/api/v1/``, ``/log/``, ``/healthz``) pass the session, language,
authentication and messages middlewares; the security ones still answer there, and every other
page keeps the whole chain."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from greencert.core.middleware import is_lean_path

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/certificates/GC1",
        "/api/v1/search",
        "/log/checkpoint",
        "/log/tile/0/000",
        "/healthz",
    ],
)
def test_the_json_paths_are_lean(path):
    assert is_lean_path(path)


@pytest.mark.parametrize(
    "path", ["/verify/GC1", "/V/GC1", "/office/", "/log/witness/", "/api/v1/docs", "/", "/admin/"]
)
def test_pages_and_the_office_pages_under_lean_prefixes_keep_the_whole_chain(path):
    assert not is_lean_path(path)


def test_a_login_session_does_not_authenticate_an_api_write(admin_client):
    """A browser's session cookie rides along with any request a foreign page makes; the API
    answers to its token alone, so such a request cannot write even without a CSRF check."""
    body = json.dumps({"number": "GC1"})
    response = admin_client.post("/api/v1/certificates", body, content_type="application/json")

    assert response.status_code == 401
    assert response.json()["error"]["field"] == "Authorization"


def test_an_api_answer_sets_no_session_or_language_cookie_and_varies_on_neither():
    response = Client().get("/api/v1/certificates/GC1", HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Type"].startswith("application/json")
    assert not response.cookies
    assert "Content-Language" not in response
    assert "Cookie" not in response.get("Vary", "")
    assert "Accept-Language" not in response.get("Vary", "")


def test_an_api_answer_carries_the_security_headers():
    response = Client().get("/api/v1/certificates/GC1")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_an_api_error_is_in_both_languages_whatever_the_browser_asks_for():
    error = Client().get("/api/v1/certificates/GC1", HTTP_ACCEPT_LANGUAGE="en").json()["error"]

    assert error["message_zh"] and error["message_en"]


def test_a_page_still_follows_the_browser_language_and_the_lang_switch():
    page = Client().get("/?lang=en")

    assert page["Content-Language"] == "en"
    assert page.cookies["django_language"].value == "en"


def test_a_page_form_still_requires_the_csrf_token():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403


def test_the_witness_office_page_under_log_still_sees_the_login(admin_client):
    assert Client().get("/log/witness/").status_code == 302  # to the login page

    assert admin_client.get("/log/witness/").status_code != 302  # the session was read
