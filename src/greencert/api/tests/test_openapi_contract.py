"""The published OpenAPI document is a contract: schemathesis fuzzes every operation against it.

Each generated request must get no server error, and every response must have a documented
status code, content type and body shape. A registered client's token is sent so the adoption
endpoints and the bodies' writes are exercised beyond their authentication. The suite generates
``GREENCERT_FUZZ_EXAMPLES`` cases per operation (25 by default); ``make fuzz`` generates 1,000.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from greencert.core.actors import Actor
from greencert.exchange.actions import create_client
from greencert.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# Cases generated per operation: a few dozen in the suite; ``make fuzz`` runs 1,000.
EXAMPLES = int(os.environ.get("GREENCERT_FUZZ_EXAMPLES", "25"))

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open():
    """Like Django's test client: requests must not close the connection holding the test data."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: None, issued_certificate) -> str:  # a certificate exists to be found
    _, token = create_client(
        Actor.for_system("console"),
        name="fuzzer",
        scopes=["verify", "feed", "webhooks", "adoption", "certify"],
        rate_limit_per_minute=100_000,
        body=issued_certificate.body,  # the bodies' writes are fuzzed as the issuing body
    )
    return token


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_honours_the_published_schema(case, token):
    # Answers uncompressed: the WSGI transport hands the checks the body as sent.
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS)
