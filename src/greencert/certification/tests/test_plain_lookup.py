"""``GET /api/v1/certificates/{number}`` answers its commonest request (a registry number as
stored, no query, no token) before the API framework's per-request work: the answer must be the
operation's own, byte for byte and header for header, and every other request must reach the
operation."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponseBase
from django.test import Client, RequestFactory
from django.urls import resolve

from greencert.certification.actions import suspend_certificate
from greencert.certification.api import plain_lookup
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days

pytestmark = pytest.mark.django_db


def url(number: str) -> str:
    return f"/api/v1/certificates/{number}"


def through_operation(path: str, **headers: Any) -> HttpResponseBase:
    """The answer of the API operation itself, past the plain view in front of it."""
    match = resolve(path.split("?")[0])
    operation = match.func.operation_view  # type: ignore[attr-defined]
    request = RequestFactory().get(path, **headers)
    answer: HttpResponseBase = operation(request, *match.args, **match.kwargs)
    return answer


def same_answer(plain: HttpResponseBase, operation: HttpResponseBase) -> None:
    assert plain.status_code == operation.status_code
    assert plain.content == operation.content  # type: ignore[attr-defined]
    assert dict(plain.items()) == dict(operation.items())


def test_a_stored_registry_number_is_answered_as_the_operation_answers_it(
    issue: Any, body_staff: Actor
) -> None:
    certificate: Certificate = issue()
    suspend_certificate(body_staff, certificate, reason_code="S01", until=in_days(30))
    request = RequestFactory().get(url(certificate.number))
    plain = plain_lookup(request, certificate.number)
    assert plain is not None and plain.status_code == 200
    same_answer(plain, through_operation(url(certificate.number)))
    through_site = Client().get(url(certificate.number))
    assert through_site.json()["status"]["code"] == "02"
    assert through_site.content == plain.content  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "header", ["HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_NONE_MATCH_STAR"]
)
def test_a_conditional_request_is_answered_304_as_the_operation_answers_it(
    issued_certificate: Certificate, header: str
) -> None:
    number = issued_certificate.number
    first = Client().get(url(number))
    value = {
        "HTTP_IF_NONE_MATCH": first["ETag"],
        "HTTP_IF_MODIFIED_SINCE": first["Last-Modified"],
        "HTTP_IF_NONE_MATCH_STAR": "*",
    }[header]
    conditional: dict[str, Any] = {header.removesuffix("_STAR"): value}
    plain = plain_lookup(RequestFactory().get(url(number), **conditional), number)
    assert plain is not None and plain.status_code == 304
    same_answer(plain, through_operation(url(number), **conditional))
    assert Client().get(url(number), **conditional).status_code == 304


def test_every_other_request_goes_to_the_operation(issued_certificate: Certificate) -> None:
    number = issued_certificate.number
    factory = RequestFactory()
    others = {
        "lower case": factory.get(url(number.lower())),
        "a date": factory.get(url(number) + "?at=2026-01-01"),
        "a token": factory.get(url(number), HTTP_AUTHORIZATION="Bearer x"),
        "another method": factory.head(url(number)),
    }
    typed = {"lower case": number.lower()}
    for what, request in others.items():
        assert plain_lookup(request, typed.get(what, number)) is None, what
    mistyped = number[:-1] + ("A" if number[-1] != "A" else "B")
    assert plain_lookup(factory.get(url(mistyped)), mistyped) is None
    # ... and the operation answers them as before.
    assert Client().get(url(number.lower())).json()["number"] == number
    assert Client().get(url(number) + "?at=2026-01-01").json()["at"]["date"] == "2026-01-01"
    answer = Client().get(url(mistyped)).json()
    assert answer["error"]["code"] == "mistyped"


def test_a_body_number_one_certificate_carries_is_answered_as_the_operation_answers_it(
    issued_certificate: Certificate,
) -> None:
    typed = issued_certificate.body_number
    plain = plain_lookup(RequestFactory().get(url(typed)), typed)
    assert plain is not None and plain.status_code == 200
    same_answer(plain, through_operation(url(typed)))
    assert Client().get(url(typed)).json()["number"] == issued_certificate.number


def test_a_body_number_as_typed_or_that_two_bodies_gave_goes_to_the_operation(
    sharing_a_body_number: list[Certificate], issued_certificate: Certificate
) -> None:
    shared = sharing_a_body_number[0].body_number
    assert plain_lookup(RequestFactory().get(url(shared)), shared) is None
    answer = Client().get(url(shared))
    assert answer.status_code == 300 and answer.json()["error"]["code"] == "several"
    typed = issued_certificate.body_number.lower()  # as copied from paper: the operation finds it
    assert typed != issued_certificate.body_number
    assert plain_lookup(RequestFactory().get(url(typed)), typed) is None
    assert Client().get(url(typed)).json()["number"] == issued_certificate.number
    unknown = "NO-SUCH-BODY-NUMBER"
    assert plain_lookup(RequestFactory().get(url(unknown)), unknown) is None
    assert Client().get(url(unknown)).json()["error"]["code"] == "malformed"


def test_a_cache_revalidating_gets_its_304_without_the_document_being_read(
    issued_certificate: Certificate,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    number = issued_certificate.number
    etag = Client().get(url(number))["ETag"]
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(url(number), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(captured.captured_queries) == 1
    assert "body" not in captured.captured_queries[0]["sql"]
    with CaptureQueriesContext(connection) as captured:
        changed = Client().get(url(number), HTTP_IF_NONE_MATCH='"999999"')
    assert changed.status_code == 200 and changed["ETag"] == etag
    assert len(captured.captured_queries) == 2  # the version, then the document
