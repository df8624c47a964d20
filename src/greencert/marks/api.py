"""Marks endpoints of /api/v1: one certificate's credential, status receipt and scan counts."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from ninja import Router, Schema

from greencert.certification.lookup import find_certificate, http_status
from greencert.certification.models import Certificate
from greencert.certification.presenters import lookup_error_dict, verify_url
from greencert.certification.public_read import certificate_validators
from greencert.certification.schemas import CertificateNumberPath, SeveralCertificatesBody
from greencert.core.errors import UserFacingError
from greencert.core.http_cache import conditional, set_validators
from greencert.core.responses import json_response
from greencert.core.schemas import ERROR_STATUSES, ErrorBody, RegistryDate
from greencert.marks import printing
from greencert.marks.credentials import MEDIA_TYPE, issue_credential
from greencert.marks.limits import cached_receipt
from greencert.marks.scans import scan_summary
from greencert.marks.status_receipts import issue_receipt

router = Router(tags=["marks and credentials 标识与凭证"])
# Beside the certificate router: the public URLs /certificates/{number}/credential, /receipt and
# /scans are a published contract (QR codes and receipts carry them).
ROUTERS = {"/certificates": router}


class CertificateNotFound(UserFacingError):
    """Answered like ``GET /certificates/{number}``: 404 unknown, 400 malformed or mistyped,
    300 for a body number several bodies use (with each of their certificates)."""

    http_status = 404


# A body number two bodies use names both certificates (300) instead of choosing one.
LOOKUP_ANSWERS: dict[Any, Any] = {300: SeveralCertificatesBody, ERROR_STATUSES: ErrorBody}


class ReceiptOut(Schema):
    receipt: str
    statement: dict


class RegionScans(Schema):
    code: str
    name_zh: str
    name_en: str
    scans: int


class DayScans(Schema):
    day: dt.date
    scans: int


class ScansOut(Schema):
    number: str
    total: int
    last_days: int
    recent: int
    top_regions: list[RegionScans]
    by_day: list[DayScans]


def certificate_or_refusal(number: str) -> Certificate:
    """The certificate a typed or scanned number names, or the bilingual not-found error the API
    answers with (mistyped, malformed, unknown, several)."""
    lookup = find_certificate(number)
    if lookup.certificate is None:
        answer = lookup_error_dict(lookup, number)["error"]
        error = CertificateNotFound(
            field="number",
            value=number,
            expected_zh=answer["message_zh"],
            expected_en=answer["message_en"],
            code=lookup.verdict,
            extra={k: answer[k] for k in ("candidates", "matches") if k in answer},
        )
        error.http_status = http_status(lookup)
        raise error
    return lookup.certificate


@router.get(
    "/{number}/credential",
    response=LOOKUP_ANSWERS,
    url_name="certificate_credential",
    summary="Signed credential 可验证凭证",
    openapi_extra={
        "responses": {
            200: {
                "description": "the credential, a compact JWS",
                "content": {MEDIA_TYPE: {"schema": {"type": "string"}}},
            }
        }
    },
)
def certificate_credential(request: HttpRequest, number: CertificateNumberPath) -> HttpResponseBase:
    """The certificate as a W3C Verifiable Credential 2.0 (UNTP Digital Conformity Credential).

    A compact JWS (`application/vc+jwt`, `alg: EdDSA`, `typ: vc+jwt`) signed with the node's key
    published at `/.well-known/did.json` and `/.well-known/jwks.json`. Only valid certificates get
    one (410 otherwise); suspension and revocation are published in the status lists it names.
    `evidence` holds a `TransparencyLogInclusionProof`: the node's signed checkpoint (as
    `/log/checkpoint` serves it), the leaf (the certificate's latest event as the change feed
    publishes it), its index and its RFC 6962 inclusion proof.
    `{number}` is the registry number or the issuing body's own; one that two bodies gave out is
    answered 300 with both certificates, as `GET /certificates/{number}` answers it.
    """
    cert = certificate_or_refusal(number)
    # A credential issued later proves the same event against a newer checkpoint: the same
    # statement in other bytes, so its entity tag is weak.
    etag, changed = certificate_validators(cert, "vc", weak=True)
    unchanged = conditional(request, etag, changed)
    if unchanged is not None:
        return unchanged
    token = issue_credential(cert)
    response = HttpResponse(token, content_type=MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{cert.number}.vc.jwt"'
    set_validators(response, etag, changed)
    return response


@router.get(
    "/{number}/receipt",
    response={200: ReceiptOut, **LOOKUP_ANSWERS},
    url_name="certificate_receipt",
    summary="Status receipt 状态核验回执",
    # ``format=pdf`` answers the same status in a PDF.
    openapi_extra={
        "responses": {
            200: {
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
            }
        }
    },
)
def certificate_receipt(
    request: HttpRequest,
    number: CertificateNumberPath,
    at: RegistryDate | None = None,
    format: Literal["json", "pdf"] = "json",
) -> HttpResponse:
    """A signed statement: certificate N had status S on date D (default today), as recorded by
    this node at time T from the event log read at sequence Q.

    JSON: `receipt` (compact JWS, `typ: receipt+jwt`) and `statement` (its payload). `format=pdf`:
    a one-page PDF with the statement, a QR to the verify page and the JWS attached. The statement
    names the certificate by both numbers: `certificate` (the registry's) and `bodyNumber`.
    `transparencyLog` (absent for a date before issue) is the `TransparencyLogInclusionProof` of
    the event the stated status comes from, against the node's signed checkpoint.
    """
    cert = certificate_or_refusal(number)
    day = at or timezone.localdate()
    if format == "pdf":
        name, pdf = cached_receipt(request, cert, day, "pdf", lambda: receipt_pdf(cert, at))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name[:-5]}.pdf"'
        return response
    token, statement = cached_receipt(request, cert, day, "json", lambda: issue_receipt(cert, at))
    return json_response({"receipt": token, "statement": statement})


def receipt_pdf(cert: Certificate, at: dt.date | None) -> tuple[str, bytes]:
    """The receipt as a one-page PDF with the JSON attached: its attachment's name and the PDF."""
    token, statement = issue_receipt(cert, at)
    name = f"receipt-{cert.number}-{statement['date']}.json"
    attachment = json_response({"receipt": token, "statement": statement}, indent=2).content.decode(
        "utf-8"
    )
    pdf = printing.render_pdf(
        "marks/receipt_pdf.html",
        {
            "s": statement,
            "token": token,
            "attachment": name,
            "qr": printing.qr_data_uri(verify_url(cert.number)),
        },
        attachments={name: attachment},
    )
    return name, pdf


@router.get(
    "/{number}/scans",
    response={200: ScansOut, **LOOKUP_ANSWERS},
    url_name="certificate_scans",
    summary="QR scan counts 扫码统计",
)
def certificate_scans(request: HttpRequest, number: CertificateNumberPath) -> HttpResponse:
    """How often the mark's QR code was scanned: total, last 30 days, by day and top provinces.

    Only daily counts per province (GB/T 2260, from the front proxy) are kept, no personal data.
    """
    cert = certificate_or_refusal(number)
    return json_response({"number": cert.number, **scan_summary(cert)})
