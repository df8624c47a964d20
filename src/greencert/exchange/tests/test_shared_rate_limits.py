"""An API client's per-minute limit is one count for every server process: requests spread over
two processes (each with its own throttle and cache clients) get the limit through, no more."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from greencert.core.tests.shared_stores import server_process
from greencert.exchange.actions import create_client
from greencert.exchange.tests.conftest import CONSOLE

pytestmark = pytest.mark.django_db


def test_two_processes_let_through_the_limit_and_no_more(
    shared_store: dict[str, Any], time_machine: Any
):
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0, 5, tzinfo=dt.UTC), tick=False)
    _, token = create_client(CONSOLE, name="insurer", scopes=["feed"], rate_limit_per_minute=20)
    statuses = []
    for _ in range(40):  # alternate: each block is a process with fresh cache clients
        with server_process(shared_store):
            statuses.append(
                Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/changes").status_code
            )

    assert statuses.count(200) == 20
    assert statuses.count(429) == 20
