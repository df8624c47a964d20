"""QR scans are counted per certificate, day and province; nothing personal is kept."""

from __future__ import annotations

from django.test import Client

from greencert.marks.models import MarkScan


def test_opening_the_qr_url_counts_a_scan(issued_certificate, client: Client):
    client.get(f"/V/{issued_certificate.number}")
    client.get(f"/V/{issued_certificate.number}")

    assert MarkScan.objects.get(certificate=issued_certificate).count == 2


def test_typing_the_number_into_the_verify_page_is_not_a_scan(issued_certificate, client: Client):
    client.get(f"/verify/{issued_certificate.number}")

    assert not MarkScan.objects.exists()


def test_the_province_comes_from_the_front_proxy_header_coarsened_to_the_province(
    issued_certificate, client: Client
):
    client.get(f"/V/{issued_certificate.number}", headers={"X-Geo-Region": "440305"})

    assert MarkScan.objects.get().region_code == "440000"


def test_a_header_that_is_not_a_region_code_is_ignored(issued_certificate, client: Client):
    client.get(f"/V/{issued_certificate.number}", headers={"X-Geo-Region": "203.0.113.9"})

    assert MarkScan.objects.get().region_code == ""


def test_the_api_reports_total_and_top_provinces(issued_certificate, client: Client):
    for region in ["440305", "440100", "320500"]:
        client.get(f"/V/{issued_certificate.number}", headers={"X-Geo-Region": region})

    data = client.get(f"/api/v1/certificates/{issued_certificate.number}/scans").json()

    assert data["total"] == 3
    assert data["top_regions"][0] == {
        "code": "440000",
        "name_zh": "广东省",
        "name_en": "Guangdong",
        "scans": 2,
    }


def test_the_verify_page_shows_the_scan_count_and_the_links(issued_certificate, client: Client):
    for _ in range(3):
        client.get(f"/V/{issued_certificate.number}", headers={"X-Geo-Region": "440305"})

    page = client.get(f"/verify/{issued_certificate.number}?lang=en").content.decode()

    assert "scanned 3 times" in page
    assert "Guangdong" in page
    assert f"/certificates/{issued_certificate.number}/mark.png" in page
    assert f"/api/v1/certificates/{issued_certificate.number}/credential" in page


def test_the_verify_page_shows_the_scan_count_in_chinese(issued_certificate, client: Client):
    client.get(f"/V/{issued_certificate.number}")

    page = client.get(f"/verify/{issued_certificate.number}?lang=zh-hans").content.decode()

    assert "已被扫描 1 次" in page
