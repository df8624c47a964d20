"""Public reads from PostgreSQL streaming replicas; writes, and reads after a write, on the primary.

With ``GREENCERT_DATABASE_REPLICA_URLS`` set, settings add each replica as a database alias
(``replica_1``, ``replica_2``, …) and install ``ReplicaRouter``. ``ReplicaReadMiddleware`` decides
per request: an anonymous ``GET`` or ``HEAD`` (no login session, no API token, no sticky cookie)
reads from one replica chosen at random; every other request reads from the primary. Inside a
request that reads from a replica:

- the first write (anything the router is asked to write) turns the rest of the request to the
  primary, and reads inside a transaction on the primary stay there;
- the answer to a request that wrote carries a short-lived cookie (``STICKY_COOKIE``), so the
  same browser reads from the primary for ``STICKY_SECONDS``: long enough for the replicas to
  replay the change, so a certificate read right after its change shows the change.

Raw SQL through ``django.db.connection`` always runs on the primary. Migrations run on the
primary only; the replicas receive them by replication.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
STICKY_COOKIE = "greencert_primary"
STICKY_SECONDS = 10
READ_METHODS = {"GET", "HEAD"}

_request = threading.local()


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


def reading_from() -> str:
    """The alias this thread's reads go to now."""
    alias: str | None = getattr(_request, "replica", None)
    if alias is None or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return alias


class ReplicaRouter:
    """Reads go where ``ReplicaReadMiddleware`` pointed this thread (the primary by default);
    every write goes to the primary and turns the thread's later reads to it."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return reading_from()

    def db_for_write(self, model: type, **hints: Any) -> str:
        _request.replica = None
        _request.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


def is_public_read(request: HttpRequest) -> bool:
    """Nobody's own view: an anonymous read that follows no write of the same browser."""
    return (
        request.method in READ_METHODS
        and STICKY_COOKIE not in request.COOKIES
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "authorization" not in request.headers
    )


class ReplicaReadMiddleware:
    """Points the request's reads at a replica when it is a public read (first in the chain)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.replicas = replica_aliases()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        public = bool(self.replicas) and is_public_read(request)
        _request.replica = random.choice(self.replicas) if public else None
        _request.wrote = False
        try:
            response = self.get_response(request)
            wrote = _request.wrote
        finally:
            _request.replica = None
            _request.wrote = False
        if wrote:
            response.set_cookie(
                STICKY_COOKIE, "1", max_age=STICKY_SECONDS, httponly=True, samesite="Lax"
            )
        return response
