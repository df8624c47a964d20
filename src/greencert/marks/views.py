"""Public marks pages: artwork, printable certificate, QR scan entry points, keys, status lists."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control

from greencert.certification.lookup import explain, find_certificate, http_status
from greencert.certification.models import Certificate
from greencert.certification.numbers import check_number
from greencert.certification.presenters import verify_url
from greencert.certification.public_read import certificate_validators
from greencert.core.http_cache import conditional, set_validators
from greencert.marks import artwork, keys, printing, statuslist
from greencert.marks.actions import record_scan
from greencert.marks.artwork import BodyPanel, Logo, MarkContent
from greencert.marks.availability import CertificateNotValid, require_valid
from greencert.marks.identity import node_id
from greencert.marks.limits import TooManyDocuments, check_document_rate
from greencert.marks.products import certificates_for_product
from greencert.marks.qr import certificate_qr_url, product_qr_url
from greencert.marks.scans import first_scan_today, request_region

# A certificate's mark and printable certificate: kept by caches as long as before, revalidated
# by the certificate's last event.
MARK_LIFETIME = "public, max-age=300"

CONTENT_TYPES = {
    "svg": "image/svg+xml; charset=utf-8",
    "png": "image/png",
    "pdf": "application/pdf",
}


def _explain(
    request: HttpRequest,
    status: int,
    zh: str,
    en: str,
    choices: list[Certificate] | None = None,
) -> HttpResponse:
    """``choices``: the certificates of a body number several bodies use, to pick one from."""
    context = {"message_zh": zh, "message_en": en, "status": status, "choices": choices or []}
    return render(request, "marks/unavailable.html", context, status=status)


def _too_many(request: HttpRequest, fmt: str) -> HttpResponse | None:
    """The refusal of a PDF past the client's limit (``marks.limits``), or None to draw it."""
    if fmt != "pdf":
        return None
    try:
        check_document_rate(request)
    except TooManyDocuments as exc:
        response = _explain(request, exc.http_status, exc.message_zh, exc.message_en)
        response["Retry-After"] = "60"
        response["Cache-Control"] = (
            "no-store"  # a refusal is this client's, not for a proxy to keep
        )
        return response
    return None


def _valid_certificate(
    request: HttpRequest,
    number: str,
    view: Callable[[Certificate], HttpResponse],
    variant: str,
    *,
    weak: bool = False,
) -> HttpResponseBase:
    """``view`` of the valid certificate ``number`` names, versioned by its last event and
    ``variant`` (a 304 while that has not changed); ``weak`` where the bytes carry a time."""
    lookup = find_certificate(number)
    if lookup.certificate is None:
        zh, en = explain(lookup)
        return _explain(request, http_status(lookup), zh, en, lookup.matches)
    try:
        require_valid(lookup.certificate)
    except CertificateNotValid as exc:
        return _explain(request, exc.http_status, exc.message_zh, exc.message_en)
    etag, changed = certificate_validators(lookup.certificate, variant, weak=weak)
    unchanged = conditional(request, etag, changed, cache_control=MARK_LIFETIME)
    if unchanged is not None:
        return unchanged
    return set_validators(view(lookup.certificate), etag, changed, cache_control=MARK_LIFETIME)


def body_logo(cert: Certificate) -> Logo | None:
    logo = cert.body.logo
    if not logo:
        return None
    name = logo.name.lower()
    mime = (
        "image/svg+xml"
        if name.endswith(".svg")
        else "image/jpeg"
        if name.endswith((".jpg", ".jpeg"))
        else "image/png"
    )
    try:
        with logo.open("rb") as f:
            return Logo(f.read(), mime)
    except OSError:
        return None


def certificate_mark(cert: Certificate) -> MarkContent:
    return MarkContent(
        qr_text=certificate_qr_url(cert.number),
        bodies=(BodyPanel(cert.body.name, body_logo(cert)),),
        lines=("证书编号 No.", cert.number),
    )


def product_mark(credit_code: str, model: str, certificates: list[Certificate]) -> MarkContent:
    bodies: dict[int, BodyPanel] = {}
    for cert in certificates:
        bodies.setdefault(cert.body_id, BodyPanel(cert.body.name, body_logo(cert)))
    return MarkContent(
        qr_text=product_qr_url(credit_code, model),
        bodies=tuple(bodies.values()),
        lines=(f"型号 Model {model}", *(c.number for c in certificates)),
    )


def _artwork_response(content: MarkContent, fmt: str, filename: str, title: str) -> HttpResponse:
    if fmt == "svg":
        data: bytes = artwork.to_svg(content, title).encode("utf-8")
    elif fmt == "png":
        data = artwork.to_png(content)
    else:
        data = printing.render_pdf(
            "marks/mark_pdf.html",
            {
                "svg": printing.svg_data_uri(artwork.to_svg(content, title)),
                "title": title,
                "width": f"{artwork.WIDTH_MM:g}",
                "height": f"{artwork.HEIGHT_MM:g}",
            },
        )
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'inline; filename="{filename}.{fmt}"'
    return response


def certificate_mark_view(request: HttpRequest, number: str, fmt: str) -> HttpResponseBase:
    """``/certificates/<number>/mark.svg|png|pdf``: the mark of a valid certificate."""

    def draw(cert: Certificate) -> HttpResponse:
        title = f"绿色产品标识 {cert.number} {cert.body.name}"
        return _artwork_response(certificate_mark(cert), fmt, f"mark-{cert.number}", title)

    # A PDF carries the time it was made; the SVG and PNG are the same bytes each time.
    return _too_many(request, fmt) or _valid_certificate(
        request, number, draw, f"mark-{fmt}", weak=fmt == "pdf"
    )


def certificate_pdf_view(request: HttpRequest, number: str) -> HttpResponseBase:
    """``/certificates/<number>/certificate.pdf``: the printable A4 certificate."""

    def pdf(cert: Certificate) -> HttpResponse:
        url = verify_url(cert.number)
        context = {
            "c": cert,
            "verify_url": url,
            "qr": printing.qr_data_uri(url),
            "emblem": printing.emblem_data_uri(),
            "node": node_id(),
            "printed_at": timezone.localtime(),
        }
        response = HttpResponse(
            printing.render_pdf("marks/certificate_pdf.html", context),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'inline; filename="certificate-{cert.number}.pdf"'
        return response

    return _too_many(request, "pdf") or _valid_certificate(
        request, number, pdf, "certificate-pdf", weak=True
    )


def _no_product(request: HttpRequest, credit_code: str, model: str) -> HttpResponse:
    return _explain(
        request,
        404,
        f"统一社会信用代码 {credit_code} 的企业没有覆盖型号「{model}」的有效证书；"
        "若此标识印在商品上，可能是假冒标识。",
        f"the enterprise with credit code {credit_code} holds no valid certificate covering "
        f"model {model!r}; a mark carrying this code on goods may be counterfeit.",
    )


@cache_control(public=True, max_age=300)
def product_mark_view(request: HttpRequest, credit_code: str, model: str, fmt: str) -> HttpResponse:
    """``/marks/products/<credit code>/<model>/mark.svg|png``: one QR for every certificate."""
    refused = _too_many(request, fmt)
    if refused:
        return refused
    certificates = certificates_for_product(credit_code, model)
    if not certificates:
        return _no_product(request, credit_code, model)
    title = f"绿色产品标识 {credit_code} {model}"
    content = product_mark(credit_code, model, certificates)
    return _artwork_response(content, fmt, f"mark-{credit_code}-{model}", title)


def product_verify_view(request: HttpRequest, credit_code: str, model: str) -> HttpResponse:
    """The page the combined QR opens: every valid certificate covering holder + model."""
    certificates = certificates_for_product(credit_code, model)
    if not certificates:
        return _no_product(request, credit_code, model)
    context = {
        "credit_code": credit_code.upper(),
        "model": model,
        "holder": certificates[0].holder,
        "certificates": certificates,
    }
    return render(request, "marks/product_verify.html", context)


def certificate_scan_view(request: HttpRequest, number: str) -> HttpResponse:
    """``/V/<number>``, what the mark's QR code carries: count the scan, open the verify page.

    A registry number (what the mark prints) is found by its index alone; only another spelling
    (a body's own number, a mistyped one) needs the full lookup."""
    check = check_number(number)
    if check.verdict == "well_formed":
        target = check.normalised
        found = Certificate.objects.filter(number=target).values_list("pk", flat=True).first()
    else:
        lookup = find_certificate(number)
        target = lookup.normalised or number
        found = lookup.certificate.pk if lookup.certificate is not None else None
    if found is not None and first_scan_today(request, found):
        record_scan(found, region_code=request_region(request))
    return HttpResponseRedirect(reverse("portal:verify", args=[target]))


def product_scan_view(request: HttpRequest, credit_code: str, model: str) -> HttpResponse:
    """``/P/<credit code>/<model>``: the combined QR; counts a scan for each certificate."""
    region = request_region(request)
    for cert in certificates_for_product(credit_code, model):
        if first_scan_today(request, cert.pk):
            record_scan(cert, region_code=region)
    return HttpResponseRedirect(reverse("marks:product-verify", args=[credit_code, model]))


def _json(data: object, content_type: str = "application/json") -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@cache_control(public=True, max_age=300)
def did_document_view(request: HttpRequest) -> HttpResponse:
    """``/.well-known/did.json``: the node's ``did:web`` document with every key it signed with."""
    return _json(keys.did_document(), "application/did+json")


@cache_control(public=True, max_age=300)
def jwks_view(request: HttpRequest) -> HttpResponse:
    """``/.well-known/jwks.json``: the same keys as a JWK Set."""
    return _json(keys.public_jwks(), "application/jwk-set+json")


@cache_control(public=True, max_age=60)
def status_list_view(request: HttpRequest, purpose: str, block: int = 0) -> HttpResponse:
    """``/credentials/status/<revocation|suspension>[/<n>]``: the signed Bitstring Status List."""
    if purpose not in statuslist.purposes():
        raise Http404(f"unknown status purpose {purpose!r}")
    token, sequence = statuslist.signed_list(purpose, block)
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["ETag"] = f'"{purpose}-{block}-{sequence}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
