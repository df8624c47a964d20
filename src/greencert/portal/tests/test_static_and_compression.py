"""Versioned static files kept by caches forever, and compressed answers: static files compressed
ahead of time by WhiteNoise, pages and JSON by GZipMiddleware."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_before_collectstatic_a_file_is_named_as_it_is(settings, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path / "empty"
    assert staticfiles_storage.url("portal/charts.js") == "/static/portal/charts.js"


def test_after_collectstatic_files_are_versioned_compressed_and_immutable(tmp_path: Path) -> None:
    root = tmp_path / "static"
    with override_settings(STATIC_ROOT=root):
        # The project's own files: the vendored libraries, the admin's and the API documentation's
        # (megabytes of JavaScript to compress) would only make this slower.
        call_command(
            "collectstatic",
            interactive=False,
            verbosity=0,
            ignore_patterns=["vendor", "admin", "ninja"],
        )
        address = staticfiles_storage.url("portal/site.css")
        assert address != "/static/portal/site.css" and address.endswith(".css")
        response = Client().get(address, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert "immutable" in response["Cache-Control"]
        assert response["Content-Encoding"] == "gzip"
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        plain = (root / "portal" / "site.css").read_bytes()
        assert len(body) < len(plain) / 2
        assert gzip.decompress(body) == plain
        unversioned = Client().get("/static/portal/site.css")
        assert "immutable" not in unversioned["Cache-Control"]


def test_a_page_is_sent_compressed_to_a_client_that_accepts_it(db: None) -> None:
    response = Client().get("/", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"<html" in gzip.decompress(response.content)
    assert "Content-Encoding" not in Client().get("/")


def test_the_certificate_json_is_sent_compressed(issued_certificate) -> None:
    address = f"/api/v1/certificates/{issued_certificate.number}"
    response = Client().get(address, headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == Client().get(address).content
