"""The issuing body's own number (机构证书编号) on the printable certificate, the credential and the
status receipt; either number opens them, and a number two bodies use names both."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from greencert.certification.models import Certificate
from greencert.marks import keys
from greencert.marks.credentials import credential_claims
from greencert.marks.offline_checks import CREDENTIAL_TYPE, load_trust, verify_credential
from greencert.marks.tests.test_certificate_pdf import pdf_text

pytestmark = pytest.mark.django_db


def payload(token: str) -> dict:
    part = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


@pytest.fixture
def certificate(issue: Callable[..., Certificate]) -> Certificate:
    return issue(body_number="SH-2026-GP-0042")


# -- the printable certificate ---------------------------------------------------------------------


def test_the_certificate_pdf_prints_the_body_number_under_the_registry_number(
    certificate, client: Client, tmp_path: Path
):
    response = client.get(f"/certificates/{certificate.number}/certificate.pdf")
    text = pdf_text(response.content, tmp_path)
    assert "机构证书编号" in text
    assert "SH-2026-GP-0042" in text
    assert text.index(certificate.number) < text.index("SH-2026-GP-0042")


def test_the_certificate_pdf_opens_by_the_body_number_too(
    certificate, client: Client, tmp_path: Path
):
    response = client.get("/certificates/sh-2026-gp-0042/certificate.pdf")
    assert response.status_code == 200
    assert f'filename="certificate-{certificate.number}.pdf"' in response["Content-Disposition"]
    assert certificate.number in pdf_text(response.content, tmp_path)


def test_a_body_number_two_bodies_use_gets_no_pdf_but_a_choice_of_both(
    sharing_a_body_number, client: Client
):
    response = client.get("/certificates/SH-2026-GP-0001/certificate.pdf")
    assert response.status_code == 300
    html = response.content.decode()
    for certificate in sharing_a_body_number:
        assert f'href="/verify/{certificate.number}"' in html
        assert certificate.body.name in html


# -- the verifiable credential ---------------------------------------------------------------------


def test_the_credential_carries_the_body_number_beside_the_registry_number(
    certificate, client: Client
):
    vc = payload(
        client.get(f"/api/v1/certificates/{certificate.number}/credential").content.decode()
    )
    issued = vc["credentialSubject"]["certificate"]
    assert issued["number"] == certificate.number
    assert issued["bodyNumber"] == "SH-2026-GP-0042"
    assert issued["bodyNumberScheme"]["id"] == f"urn:cnca:{certificate.body.approval_number}"
    assert certificate.body.name in issued["bodyNumberScheme"]["name"]


def test_the_credential_is_issued_by_the_body_number_too(certificate, client: Client):
    response = client.get("/api/v1/certificates/SH-2026-GP-0042/credential")
    assert response.status_code == 200
    assert f'filename="{certificate.number}.vc.jwt"' in response["Content-Disposition"]
    assert payload(response.content.decode())["credentialSubject"]["name"] == certificate.number


def test_a_credential_issued_before_body_numbers_were_carried_still_verifies(
    certificate, trust_file: Path
):
    claims = credential_claims(certificate)
    for name in ("bodyNumber", "bodyNumberScheme"):
        del claims["credentialSubject"]["certificate"][name]
    old = keys.sign(claims, typ=CREDENTIAL_TYPE)

    checks, verified = verify_credential(old, load_trust(trust_file), fetch=None)

    assert verified is not None
    assert [c.name for c in checks if c.ok is False] == []


def test_a_body_number_two_bodies_use_gets_no_credential_but_both_certificates(
    sharing_a_body_number, client: Client
):
    response = client.get("/api/v1/certificates/sh-2026-gp-0001/credential")
    assert response.status_code == 300
    error = response.json()["error"]
    assert error["code"] == "several"
    assert error["candidates"] == [c.number for c in sharing_a_body_number]
    assert [m["body"]["id"] for m in error["matches"]] == [
        c.body.approval_number for c in sharing_a_body_number
    ]


# -- the status receipt ----------------------------------------------------------------------------


def test_the_receipt_names_the_body_number_and_the_body(certificate, client: Client):
    statement = client.get(f"/api/v1/certificates/{certificate.number}/receipt").json()["statement"]
    assert statement["certificate"] == certificate.number
    assert statement["bodyNumber"] == "SH-2026-GP-0042"
    assert statement["body"] == {
        "id": certificate.body.approval_number,
        "name": certificate.body.name,
    }
    assert "SH-2026-GP-0042" in statement["statement_zh"]
    assert "SH-2026-GP-0042" in statement["statement_en"]


def test_the_receipt_pdf_prints_the_body_number(certificate, client: Client):
    from pypdf import PdfReader

    response = client.get("/api/v1/certificates/SH-2026-GP-0042/receipt?format=pdf")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert certificate.number in text
    assert "SH-2026-GP-0042" in text


# -- the page the combined product QR opens --------------------------------------------------------


def test_the_product_page_shows_each_certificate_s_body_number(certificate, client: Client):
    url = f"/marks/products/{certificate.holder.credit_code}/LH-200"
    html = client.get(url).content.decode()
    assert "机构证书编号" in html and "SH-2026-GP-0042" in html
