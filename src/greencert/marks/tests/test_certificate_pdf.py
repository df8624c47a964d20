"""The printable A4 certificate: Chinese text rendered and extractable, QR included."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from django.test import Client


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext"):
        path = tmp_path / "out.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_certificate_pdf_text_holds_the_holders_chinese_name_and_the_number(
    issued_certificate, client: Client, tmp_path: Path
):
    response = client.get(f"/certificates/{issued_certificate.number}/certificate.pdf")

    text = pdf_text(response.content, tmp_path)
    assert response["Content-Type"] == "application/pdf"
    assert issued_certificate.holder.name in text
    assert issued_certificate.number in text
    assert "绿色产品认证证书" in text


def test_the_certificate_pdf_is_one_a4_page(issued_certificate, client: Client):
    from pypdf import PdfReader

    reader = PdfReader(
        io.BytesIO(client.get(f"/certificates/{issued_certificate.number}/certificate.pdf").content)
    )

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)


def test_a_revoked_certificate_gets_no_printable_certificate(certificate_in_status, client: Client):
    certificate = certificate_in_status("03")

    assert client.get(f"/certificates/{certificate.number}/certificate.pdf").status_code == 410
