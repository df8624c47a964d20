"""The demo shows a body's own system at work: one import file, then a token for its API."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from greencert.certification.models import Certificate
from greencert.parties.factory import LaboratoryFactory
from greencert.parties.models import CertificationBody


@pytest.fixture
def demo_var(settings: Any, tmp_path: Path, body: CertificationBody) -> Path:
    settings.VAR_DIR = tmp_path
    LaboratoryFactory(cma_number="201919123456")
    return tmp_path


def _demo() -> str:
    out = StringIO()
    call_command("demo_setup", stdout=out)
    return out.getvalue()


def test_the_demo_imports_one_file_of_a_body_and_prints_a_working_token(
    demo_var: Path, body: CertificationBody, client: Client
) -> None:
    printed = _demo()
    imported = Certificate.objects.filter(body=body)
    assert imported.count() == 12
    assert (demo_var / "demo-import-certificates.csv").exists()
    assert "rows read 12, imported 12, already present 0, refused 0" in printed
    token = printed.split("shown once 仅显示一次): ")[1].split()[0]
    first = imported.order_by("id").first()
    assert first is not None
    answer = client.get(
        f"/api/v1/certificates?body_number={first.body_number}",
        headers={"authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
    assert [c["number"] for c in answer.json()["items"]] == [first.number]
    # The token is the body system's: it records a change on the body's certificate.
    written = client.post(
        f"/api/v1/certificates/{first.body_number}/events",
        {"event": "surveillance_passed", "reason_code": "V01"},
        content_type="application/json",
        headers={
            "authorization": f"Bearer {token}",
            "idempotency-key": "demo-surveillance-1",
            "if-match": f'"{first.last_event_sequence}"',
        },
    )
    assert written.status_code in (200, 201), written.content
    assert first.events.latest("sequence").event_type == "surveillance_passed"


def test_running_the_demo_again_imports_nothing_twice(
    demo_var: Path, body: CertificationBody
) -> None:
    _demo()
    printed = _demo()
    assert "rows read 12, imported 0, already present 12, refused 0" in printed
    assert Certificate.objects.filter(body=body).count() == 12
