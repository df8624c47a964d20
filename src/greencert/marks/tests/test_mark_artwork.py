"""The mark: artwork for valid certificates only, with a QR code a third-party decoder reads."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from greencert.marks.qr import certificate_qr_url, make_symbol, product_qr_url

ZBARIMG = shutil.which("zbarimg")


def decode_qr(path: Path) -> str:
    if ZBARIMG is None:
        pytest.skip("zbarimg (Debian package zbar-tools) is not installed: cannot decode the QR")
    result = subprocess.run(
        [ZBARIMG, "--raw", "-q", str(path)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_the_mark_png_qr_decodes_with_zbar_to_exactly_the_certificate_scan_url(
    issued_certificate, client: Client, tmp_path: Path
):
    response = client.get(f"/certificates/{issued_certificate.number}/mark.png")
    png = tmp_path / "mark.png"
    png.write_bytes(response.content)

    assert decode_qr(png) == f"HTTP://127.0.0.1:8000/V/{issued_certificate.number}"


def test_the_scan_url_in_the_qr_opens_the_verify_page_of_the_issuing_node(
    issued_certificate, client: Client
):
    path = certificate_qr_url(issued_certificate.number).removeprefix("HTTP://127.0.0.1:8000")

    response = client.get(path, follow=True)

    assert response.redirect_chain[-1][0] == f"/verify/{issued_certificate.number}"
    assert response.status_code == 200


def test_the_qr_uses_the_configured_public_url_of_the_node(issued_certificate, settings):
    settings.GREENCERT_PUBLIC_URL = "https://gc.example.gov.cn"

    assert certificate_qr_url(issued_certificate.number) == (
        f"HTTPS://GC.EXAMPLE.GOV.CN/V/{issued_certificate.number}"
    )


def test_the_certificate_qr_is_version_3_at_error_level_q_in_alphanumeric_mode(
    issued_certificate,
):
    symbol = make_symbol(certificate_qr_url(issued_certificate.number))

    assert (symbol.version, symbol.error, symbol.mode) == (3, "Q", "alphanumeric")


def test_the_mark_png_is_print_resolution(issued_certificate, client: Client):
    from io import BytesIO

    from PIL import Image

    image = Image.open(
        BytesIO(client.get(f"/certificates/{issued_certificate.number}/mark.png").content)
    )

    assert image.info["dpi"] == pytest.approx((600, 600), abs=0.1)
    assert image.height >= 700  # 32 mm at 600 dpi


def test_the_mark_svg_names_the_body_and_the_number_to_the_right_of_the_emblem(
    issued_certificate, client: Client
):
    response = client.get(f"/certificates/{issued_certificate.number}/mark.svg")
    svg = response.content.decode()

    assert response["Content-Type"].startswith("image/svg+xml")
    assert "绿色产品" in svg
    assert issued_certificate.body.name[:10] in svg
    assert issued_certificate.number in svg


def test_the_mark_pdf_is_a_pdf(issued_certificate, client: Client):
    response = client.get(f"/certificates/{issued_certificate.number}/mark.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("status", ["02", "03", "04", "05"])
def test_a_certificate_that_is_not_valid_gets_no_fresh_mark(
    certificate_in_status, client: Client, status: str
):
    certificate = certificate_in_status(status)

    response = client.get(f"/certificates/{certificate.number}/mark.png")

    assert response.status_code == 410
    text = response.content.decode()
    assert "不得使用绿色产品标识" in text
    assert "the mark may not be used" in text


def test_an_unknown_certificate_has_no_mark(db, client: Client):
    assert client.get("/certificates/GC3320250000001K/mark.svg").status_code in {400, 404}


def test_a_product_certified_by_two_bodies_gets_one_qr_listing_both_certificates(
    issue, other_body, make_actor, client: Client, tmp_path: Path
):
    from greencert.parties.models import Role

    first = issue(products=[{"name": "水性外墙涂料", "models": ["LB-1"]}])
    other_staff = make_actor("other", Role.BODY_STAFF, body=other_body)
    second = issue(
        body=other_body, actor=other_staff, products=[{"name": "涂料", "models": ["lb-1"]}]
    )
    code = first.holder.credit_code

    png = tmp_path / "product.png"
    png.write_bytes(client.get(f"/marks/products/{code}/LB-1/mark.png").content)
    scanned = decode_qr(png)
    page = client.get(scanned.removeprefix("HTTP://127.0.0.1:8000"), follow=True)

    assert scanned == product_qr_url(code, "LB-1") == f"HTTP://127.0.0.1:8000/P/{code}/LB-1"
    assert first.number in page.content.decode()
    assert second.number in page.content.decode()


def test_the_product_mark_names_every_body_that_certified_the_product(
    issue, other_body, make_actor, client: Client
):
    from greencert.parties.models import Role

    first = issue(products=[{"name": "水性外墙涂料", "models": ["LB-1"]}])
    other_staff = make_actor("other", Role.BODY_STAFF, body=other_body)
    issue(body=other_body, actor=other_staff, products=[{"name": "涂料", "models": ["LB-1"]}])

    svg = client.get(f"/marks/products/{first.holder.credit_code}/LB-1/mark.svg").content.decode()

    assert first.body.name[:10] in svg
    assert other_body.name[:10] in svg


def test_the_product_page_leaves_out_revoked_certificates(issue, body_staff, client: Client):
    from greencert.certification.actions import revoke_certificate

    kept = issue(products=[{"name": "涂料", "models": ["LB-1"]}])
    revoked = issue(products=[{"name": "涂料", "models": ["LB-1"]}])
    revoke_certificate(body_staff, revoked, reason_code="R04")

    page = client.get(f"/marks/products/{kept.holder.credit_code}/LB-1").content.decode()

    assert kept.number in page
    assert revoked.number not in page


def test_a_model_no_valid_certificate_covers_is_reported_as_a_possible_counterfeit(
    issued_certificate, client: Client
):
    response = client.get(f"/marks/products/{issued_certificate.holder.credit_code}/NO-SUCH")

    assert response.status_code == 404
    assert "假冒" in response.content.decode()
