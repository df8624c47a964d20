"""HTTP caching of a certificate's mark and credential: validators from its last event, 304 on a
conditional request, and a new answer once the certificate changes."""

from __future__ import annotations

import pytest
from django.test import Client

from greencert.certification.actions import restore_certificate, suspend_certificate
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days

pytestmark = pytest.mark.django_db


def test_the_mark_carries_its_certificate_s_last_event_and_is_answered_304_unchanged(
    issued_certificate: Certificate,
) -> None:
    address = f"/certificates/{issued_certificate.number}/mark.svg"
    first = Client().get(address)
    assert first.status_code == 200
    assert first["ETag"] == f'"{issued_certificate.last_event_sequence}.mark-svg"'
    assert first.has_header("Last-Modified")
    assert first["Cache-Control"] == "public, max-age=300"
    again = Client().get(address, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    png = Client().get(f"/certificates/{issued_certificate.number}/mark.png")
    assert png["ETag"] != first["ETag"]


def test_a_mark_of_a_certificate_suspended_and_restored_is_drawn_again(
    issued_certificate: Certificate, body_staff: Actor
) -> None:
    address = f"/certificates/{issued_certificate.number}/mark.svg"
    first = Client().get(address)
    suspend_certificate(body_staff, issued_certificate, reason_code="S01", until=in_days(30))
    assert Client().get(address, headers={"If-None-Match": first["ETag"]}).status_code == 410
    restore_certificate(body_staff, issued_certificate, reason_code="T01")
    response = Client().get(address, headers={"If-None-Match": first["ETag"]})
    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]


def test_the_printable_certificate_carries_a_weak_etag(issued_certificate: Certificate) -> None:
    address = f"/certificates/{issued_certificate.number}/certificate.pdf"
    first = Client().get(address)
    assert first["ETag"] == f'W/"{issued_certificate.last_event_sequence}.certificate-pdf"'
    assert Client().get(address, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_the_credential_is_answered_304_while_its_certificate_is_unchanged(
    issued_certificate: Certificate, body_staff: Actor
) -> None:
    address = f"/api/v1/certificates/{issued_certificate.number}/credential"
    first = Client().get(address)
    assert first.status_code == 200
    assert first["ETag"] == f'W/"{issued_certificate.last_event_sequence}.vc"'
    assert Client().get(address, headers={"If-None-Match": first["ETag"]}).status_code == 304
    suspend_certificate(body_staff, issued_certificate, reason_code="S01", until=in_days(30))
    assert Client().get(address, headers={"If-None-Match": first["ETag"]}).status_code == 410
