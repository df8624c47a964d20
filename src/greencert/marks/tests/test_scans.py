"""QR scans are counted per certificate, day and province; nothing personal is kept. Each client
counts once a day, and the province comes only from the trusted front proxy."""

from __future__ import annotations

import datetime as dt

from django.core.cache import caches
from django.test import Client, override_settings

from greencert.marks.models import MarkScan

PROXY = "10.0.0.1"
behind_the_proxy = override_settings(GREENCERT_TRUSTED_PROXIES=[PROXY])


def scan(number: str, client_ip: str, region: str | None = None) -> None:
    """One scan from ``client_ip`` as the front proxy forwards it."""
    headers = {"X-Forwarded-For": client_ip}
    if region is not None:
        headers["X-Geo-Region"] = region
    Client(REMOTE_ADDR=PROXY).get(f"/V/{number}", headers=headers)


@behind_the_proxy
def test_opening_the_qr_url_counts_a_scan_per_client(issued_certificate):
    scan(issued_certificate.number, "203.0.113.1")
    scan(issued_certificate.number, "203.0.113.2")

    assert MarkScan.objects.get(certificate=issued_certificate).count == 2


def test_one_client_scanning_again_the_same_day_counts_once(issued_certificate, client: Client):
    for _ in range(50):
        client.get(f"/V/{issued_certificate.number}")

    assert MarkScan.objects.get(certificate=issued_certificate).count == 1


def test_the_same_client_counts_again_the_next_day(
    issued_certificate, client: Client, time_machine
):
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False)
    client.get(f"/V/{issued_certificate.number}")
    time_machine.move_to(dt.datetime(2026, 6, 2, 10, tzinfo=dt.UTC), tick=False)
    client.get(f"/V/{issued_certificate.number}")

    assert sorted(MarkScan.objects.values_list("count", flat=True)) == [1, 1]


def test_the_client_address_is_not_kept(issued_certificate):
    with behind_the_proxy:
        scan(issued_certificate.number, "198.51.100.77")

    shared = caches["shared"]
    kept = " ".join(str(k) for k in shared._cache)  # type: ignore[attr-defined]
    assert kept and "198.51.100.77" not in kept


@behind_the_proxy
def test_the_province_comes_from_the_front_proxy_header_coarsened_to_the_province(
    issued_certificate,
):
    scan(issued_certificate.number, "203.0.113.1", region="440305")

    assert MarkScan.objects.get().region_code == "440000"


def test_a_region_header_from_a_client_that_is_not_a_trusted_proxy_is_ignored(
    issued_certificate, client: Client
):
    client.get(f"/V/{issued_certificate.number}", headers={"X-Geo-Region": "310000"})

    assert MarkScan.objects.get().region_code == ""


@behind_the_proxy
def test_a_header_that_is_not_a_region_code_is_ignored(issued_certificate):
    scan(issued_certificate.number, "203.0.113.1", region="203.0.113.9")

    assert MarkScan.objects.get().region_code == ""


@behind_the_proxy
def test_the_api_reports_total_and_top_provinces(issued_certificate, client: Client):
    for i, region in enumerate(["440305", "440100", "320500"]):
        scan(issued_certificate.number, f"203.0.113.{i + 1}", region=region)

    data = client.get(f"/api/v1/certificates/{issued_certificate.number}/scans").json()

    assert data["total"] == 3
    assert data["top_regions"][0] == {
        "code": "440000",
        "name_zh": "广东省",
        "name_en": "Guangdong",
        "scans": 2,
    }


@behind_the_proxy
def test_the_verify_page_shows_the_scan_count_and_the_links(issued_certificate, client: Client):
    for i in range(3):
        scan(issued_certificate.number, f"203.0.113.{i + 1}", region="440305")

    page = client.get(f"/verify/{issued_certificate.number}?lang=en").content.decode()

    assert "scanned 3 times" in page
    assert "Guangdong" in page
    assert f"/certificates/{issued_certificate.number}/mark.png" in page
    assert f"/api/v1/certificates/{issued_certificate.number}/credential" in page


def test_the_verify_page_shows_the_scan_count_in_chinese(issued_certificate, client: Client):
    client.get(f"/V/{issued_certificate.number}")

    page = client.get(f"/verify/{issued_certificate.number}?lang=zh-hans").content.decode()

    assert "已被扫描 1 次" in page
