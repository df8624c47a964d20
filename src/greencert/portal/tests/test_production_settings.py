"""GREENCERT_PRODUCTION=1 is the one switch for serving the node publicly: HSTS, secure cookies,
the HTTPS redirect, the proxy's scheme header and an enforced Content-Security-Policy, with
`greencert check --deploy` passing without a warning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

KEY = "x7Qe-production-test-key-" + "k3" * 30


def deploy_check(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GREENCERT_")}
    environ |= {
        "GREENCERT_SECRET_KEY": KEY,
        "GREENCERT_VAR_DIR": str(tmp_path),
        "GREENCERT_ALLOWED_HOSTS": "greencert.example.cn",
        "GREENCERT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-m", "greencert", "check", "--deploy", "--fail-level", "WARNING"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_without_a_warning_in_production(tmp_path: Path):
    done = deploy_check(tmp_path, GREENCERT_PRODUCTION="1")

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_without_the_switch_check_deploy_warns(tmp_path: Path):
    done = deploy_check(tmp_path)

    assert done.returncode != 0
    assert "security.W004" in done.stderr  # no HSTS


def production_settings() -> override_settings:
    return override_settings(
        SECURE_SSL_REDIRECT=True,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        SECURE_HSTS_SECONDS=31536000,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        CONTENT_SECURITY_POLICY=settings.CONTENT_SECURITY_POLICY_REPORT_ONLY,
        CONTENT_SECURITY_POLICY_REPORT_ONLY=None,
    )


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https():
    with production_settings():
        response = Client().get("/catalog/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/catalog/"


@pytest.mark.django_db
def test_a_page_through_the_https_proxy_carries_hsts_and_the_policy():
    with production_settings():
        response = Client().get("/catalog/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("style-src-attr")[0]
    )
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_outside_production_the_policy_is_reported_not_enforced(client: Client):
    response = client.get("/catalog/")

    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]
