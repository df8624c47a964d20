"""HTTP caching of ``GET /api/v1/certificates/{number}``: validators from the event log, 304 on a
conditional request, a short public lifetime."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils.http import http_date

from greencert.certification.actions import suspend_certificate
from greencert.certification.models import Application, Certificate, PublicDocument
from greencert.certification.workflow.actions import issue_application_certificate
from greencert.certification.workflow.testing import Cast
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days
from greencert.exchange.body_writes import ENTITY_TAG

pytestmark = pytest.mark.django_db


def url(certificate: Certificate) -> str:
    return f"/api/v1/certificates/{certificate.number}"


def test_the_answer_carries_its_event_sequence_its_last_change_and_a_public_lifetime(
    issued_certificate: Certificate,
) -> None:
    response = Client().get(url(issued_certificate))
    stored = PublicDocument.objects.get(pk=issued_certificate.pk)
    assert response["ETag"] == f'"{issued_certificate.last_event_sequence}"'
    assert response["Last-Modified"] == http_date(stored.changed_at.timestamp())
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=60"


def test_a_request_with_the_current_etag_is_answered_304_without_a_body(
    issued_certificate: Certificate,
) -> None:
    first = Client().get(url(issued_certificate))
    again = Client().get(url(issued_certificate), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=0, s-maxage=60"


def test_a_request_if_modified_since_the_last_change_is_answered_304(
    issued_certificate: Certificate,
) -> None:
    first = Client().get(url(issued_certificate))
    again = Client().get(url(issued_certificate), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304
    earlier = http_date(
        PublicDocument.objects.get(pk=issued_certificate.pk).changed_at.timestamp() - 3600
    )
    assert Client().get(url(issued_certificate), HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_after_a_change_the_old_etag_gets_the_new_document(
    issued_certificate: Certificate, body_staff: Actor
) -> None:
    old = Client().get(url(issued_certificate))["ETag"]
    suspended = suspend_certificate(
        body_staff, issued_certificate, reason_code="S01", until=in_days(30)
    )
    response = Client().get(url(issued_certificate), HTTP_IF_NONE_MATCH=old)
    assert response.status_code == 200
    assert response.json()["status"]["code"] == "02"
    assert response["ETag"] == f'"{suspended.last_event_sequence}"' != old


def test_a_change_of_a_certificate_of_the_same_audit_changes_the_etag_a_body_still_writes_on(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = issue_application_certificate(
        cast.decider, application_in("approved"), programmes=["national", "yrd"]
    )
    national, regional = Certificate.objects.filter(audit__application=application).order_by("id")
    old = Client().get(url(regional))["ETag"]
    national = suspend_certificate(cast.decider, national, reason_code="S01", until=in_days(30))
    response = Client().get(url(regional), HTTP_IF_NONE_MATCH=old)
    assert response.status_code == 200
    etag = f'"{regional.last_event_sequence}.{national.last_event_sequence}"'
    assert response["ETag"] == etag
    # What a body's system sends back as If-Match still names the certificate's own last event.
    for sent in (etag, f"W/{etag}"):
        match = ENTITY_TAG.fullmatch(sent)
        assert match is not None and int(match.group(1)) == regional.last_event_sequence


def test_an_answer_with_a_date_is_a_variant_of_its_own(issued_certificate: Certificate) -> None:
    plain = Client().get(url(issued_certificate))
    day = dt.date.today().isoformat()
    dated = Client().get(f"{url(issued_certificate)}?at={day}", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert dated.status_code == 200
    assert dated["ETag"] != plain["ETag"]
    again = Client().get(f"{url(issued_certificate)}?at={day}", HTTP_IF_NONE_MATCH=dated["ETag"])
    assert again.status_code == 304


def test_an_error_answer_is_not_given_validators(db: None) -> None:
    response = Client().get("/api/v1/certificates/not-a-number")
    assert response.status_code == 400
    assert not response.has_header("ETag")
