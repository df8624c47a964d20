"""HTTP caching of the verify page: validators per certificate, log and language, 304 on a
conditional request, public for visitors and private for people signed in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from greencert.certification.actions import suspend_certificate
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days
from greencert.exchange.tlog.storage import catch_up

pytestmark = pytest.mark.django_db


def page(certificate: Certificate, **headers: str) -> Any:
    return Client().get(f"/verify/{certificate.number}", headers=headers)


def test_a_visitor_gets_the_page_with_validators_and_a_public_lifetime(
    issued_certificate: Certificate,
) -> None:
    response = page(issued_certificate)
    assert response.status_code == 200
    assert response["ETag"].startswith(f'"{issued_certificate.last_event_sequence}.')
    assert response.has_header("Last-Modified")
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=60"
    vary = {v.strip() for v in response["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary


def test_the_current_etag_is_answered_304_and_another_language_is_not(
    issued_certificate: Certificate,
) -> None:
    first = page(issued_certificate)
    assert page(issued_certificate, If_None_Match=first["ETag"]).status_code == 304
    english = page(issued_certificate, If_None_Match=first["ETag"], Accept_Language="en")
    assert english.status_code == 200
    assert english["ETag"] != first["ETag"]
    assert "This certificate is valid." in english.content.decode()


def test_a_change_of_the_certificate_gives_the_new_page(
    issued_certificate: Certificate, body_staff: Actor
) -> None:
    first = page(issued_certificate)
    suspend_certificate(body_staff, issued_certificate, reason_code="S01", until=in_days(30))
    response = page(issued_certificate, If_None_Match=first["ETag"])
    assert response.status_code == 200
    assert "暂停" in response.content.decode()


def test_a_new_checkpoint_of_the_log_gives_the_new_page(issued_certificate: Certificate) -> None:
    first = page(issued_certificate)
    catch_up()
    response = page(issued_certificate, If_None_Match=first["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]


def test_a_person_signed_in_gets_a_page_no_shared_cache_keeps(
    issued_certificate: Certificate, body_staff: Actor
) -> None:
    client = Client()
    client.force_login(body_staff.user)
    response = client.get(f"/verify/{issued_certificate.number}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert (
        client.get(
            f"/verify/{issued_certificate.number}", headers={"If-None-Match": response["ETag"]}
        ).status_code
        == 304
    )
