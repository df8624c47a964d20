"""Status receipts: a signed statement of a certificate's status on a date, from the event log."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from pathlib import Path

import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from jwcrypto import jwk, jws

from greencert.certification.actions import revoke_certificate
from greencert.certification.lifecycle.log import last_sequence
from greencert.core.actors import Actor


def receipt_of(client: Client, number: str, at: str = "") -> dict:
    query = f"?at={at}" if at else ""
    return client.get(f"/api/v1/certificates/{number}/receipt{query}").json()


def test_the_receipt_states_status_date_node_time_and_event_sequence(
    issued_certificate, client: Client
):
    statement = receipt_of(client, issued_certificate.number)["statement"]

    assert statement["certificate"] == issued_certificate.number
    assert statement["status"]["code"] == "01"
    assert statement["date"] == timezone.localdate().isoformat()
    assert statement["node"] == "yrd-sh"
    assert statement["eventSequence"] == last_sequence()
    assert "recordedAt" in statement


def test_the_receipt_verifies_with_jwcrypto_and_carries_the_statement_shown(
    issued_certificate, client: Client
):
    data = receipt_of(client, issued_certificate.number)
    keys = jwk.JWKSet.from_json(client.get("/.well-known/jwks.json").content)
    signed = jws.JWS()
    signed.deserialize(data["receipt"])
    kid = json.loads(base64.urlsafe_b64decode(data["receipt"].split(".")[0] + "=="))["kid"]

    signed.verify(keys.get_key(kid), alg="EdDSA")

    assert json.loads(signed.payload) == data["statement"]


def test_a_receipt_for_a_past_date_gives_the_status_on_that_date(
    issue, body_staff: Actor, client: Client
):
    with time_machine.travel(dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        certificate = issue()
    revoke_certificate(body_staff, certificate, reason_code="R04")

    then = receipt_of(client, certificate.number, "2024-06-01")["statement"]
    now = receipt_of(client, certificate.number)["statement"]

    assert then["status"]["code"] == "01"
    assert now["status"]["code"] == "03"


def test_a_receipt_for_a_date_before_issue_says_not_yet_issued(issued_certificate, client: Client):
    statement = receipt_of(client, issued_certificate.number, "2001-01-01")["statement"]

    assert statement["status"]["code"] is None
    assert statement["status"]["label_en"] == "not yet issued"


def test_a_receipt_for_a_future_date_is_refused_naming_the_field(
    issued_certificate, client: Client
):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

    response = client.get(f"/api/v1/certificates/{issued_certificate.number}/receipt?at={tomorrow}")

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "at"


def test_the_receipt_pdf_is_one_page_with_the_statement(issued_certificate, client: Client):
    from pypdf import PdfReader

    # Names as long as real ones get: the receipt still fits one page.
    holder, body = issued_certificate.holder, issued_certificate.body
    holder.name = "长三角生态绿色一体化发展示范区" * 2 + "绿色新型建筑材料科技股份有限公司"
    holder.save()
    body.name = "长三角绿色认证中心（上海）质量技术服务股份有限公司第一百二十三号分公司"
    body.save()
    response = client.get(f"/api/v1/certificates/{issued_certificate.number}/receipt?format=pdf")
    reader = PdfReader(io.BytesIO(response.content))

    assert response["Content-Type"] == "application/pdf"
    assert len(reader.pages) == 1
    assert issued_certificate.number in reader.pages[0].extract_text()
    assert any(name.endswith(".json") for name in reader.attachments)


def test_the_cli_verifies_a_receipt_and_prints_the_statement(
    issued_certificate, client: Client, trust_file: Path, tmp_path: Path
):
    path = tmp_path / "receipt.json"
    path.write_bytes(
        client.get(f"/api/v1/certificates/{issued_certificate.number}/receipt").content
    )
    out = io.StringIO()

    call_command("receipt", "verify", str(path), "--trust", str(trust_file), stdout=out)

    assert "✓ signature" in out.getvalue()
    assert f"Certificate {issued_certificate.number}" in out.getvalue()


def test_the_cli_rejects_a_receipt_whose_statement_was_edited(
    issued_certificate, client: Client, trust_file: Path, tmp_path: Path
):
    data = receipt_of(client, issued_certificate.number)
    header, payload, signature = data["receipt"].split(".")
    statement = json.loads(base64.urlsafe_b64decode(payload + "=="))
    statement["status"]["code"] = "01" if statement["status"]["code"] != "01" else "03"
    forged = base64.urlsafe_b64encode(json.dumps(statement).encode()).rstrip(b"=").decode()
    path = tmp_path / "receipt.jws"
    path.write_text(f"{header}.{forged}.{signature}")
    out = io.StringIO()

    try:
        call_command("receipt", "verify", str(path), "--trust", str(trust_file), stdout=out)
        refused = False
    except CommandError:
        refused = True

    assert refused
    assert "✗ signature" in out.getvalue()
