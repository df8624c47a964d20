"""API clients for the adoption API, and a logged tree for the transparency log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from greencert.certification.lifecycle.log import NewEvent, append_events
from greencert.certification.models import CertificateEvent
from greencert.core.actors import Actor
from greencert.exchange.actions import create_client
from greencert.exchange.models import ApiClient
from greencert.exchange.tlog import storage

CONSOLE = Actor.for_system("console")


@pytest.fixture
def make_client(db: None) -> Callable[..., tuple[ApiClient, Client]]:
    """``make_client("buyer", ["verify"])``: a registered client and a test client holding its token."""

    def make(name: str, scopes: list[str], **options: Any) -> tuple[ApiClient, Client]:
        client, token = create_client(CONSOLE, name=name, scopes=scopes, **options)
        return client, Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


@pytest.fixture
def buyer(make_client: Callable[..., tuple[ApiClient, Client]]) -> tuple[ApiClient, Client]:
    return make_client("zcy-procurement", ["verify", "feed", "webhooks", "adoption"])


@pytest.fixture
def body_system(
    make_client: Callable[..., tuple[ApiClient, Client]], body: Any
) -> tuple[ApiClient, Client]:
    """The body's own certification system: a client with ``certify`` bound to ``body``."""
    return make_client("body-system", ["certify"], body=body)


@pytest.fixture
def issue_as_other_body(
    issue: Callable[..., Any], other_body: Any, other_body_staff: Any
) -> Callable[..., Any]:
    """A certificate ``other_body`` issued through the office pages' action."""

    def make(**overrides: Any) -> Any:
        return issue(body=other_body, actor=other_body_staff, **overrides)

    return make


@pytest.fixture
def grown_log(issue: Callable[..., Any]) -> Any:
    """A logged tree of 300 events: one full tile and a partial one at level 0."""
    certificate = issue()
    count = CertificateEvent.objects.count()
    with transaction.atomic():
        append_events(
            Actor.for_system("test"),
            [
                NewEvent(certificate, "changed", certificate.status, certificate.status)
                for _ in range(300 - count)
            ],
        )
    storage.catch_up()
    return certificate
