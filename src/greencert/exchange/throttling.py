"""Each API client's rate limit (``ApiClient.rate_limit_per_minute``) as a Django Ninja throttle.

Counted by django-ratelimit in Django's cache: with Redis (``GREENCERT_REDIS_URL``) every server
process shares one count per client and window, incremented atomically; the local-memory cache of
the embedded setup counts per process. Requests without a client token are not counted here.
"""

from __future__ import annotations

import threading
from typing import Any

from django.http import HttpRequest
from django_ratelimit.core import get_usage
from ninja.throttling import BaseThrottle

from greencert.exchange.models import ApiClient

WINDOW_SECONDS = 60


def _client(request: HttpRequest) -> ApiClient | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiClient) else None


def _client_key(group: str, request: HttpRequest) -> str:
    client = _client(request)
    return str(client.pk if client else "")


def _client_rate(group: str, request: HttpRequest) -> tuple[int, int] | None:
    client = _client(request)
    return (client.rate_limit_per_minute, WINDOW_SECONDS) if client else None


class ClientRateThrottle(BaseThrottle):
    """Ninja keeps one throttle object per operation and calls ``wait()`` right after a refused
    ``allow_request`` in the same thread, so the wait is kept per thread, not on the object."""

    group = "greencert.api-client"

    def __init__(self) -> None:
        self._refused = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        usage: dict[str, Any] | None = get_usage(
            request, group=self.group, key=_client_key, rate=_client_rate, increment=True
        )
        if usage is None or not usage["should_limit"]:
            return True
        self._refused.wait = max(1, usage["time_left"])
        return False

    def wait(self) -> float | None:
        return getattr(self._refused, "wait", None)


def limit_of(request: HttpRequest) -> int | None:
    """The per-minute limit of the client a refused request came from."""
    client = _client(request)
    return client.rate_limit_per_minute if client else None
