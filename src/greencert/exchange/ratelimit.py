"""A per-client fixed-window rate limit kept in the cache (Redis in production)."""

from __future__ import annotations

import time

from django.core.cache import cache

WINDOW_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, retry_after: int, limit: int) -> None:
        self.retry_after = retry_after
        self.limit = limit
        super().__init__(f"rate limit of {limit} requests per minute exceeded")


def check_rate(client_id: int, limit: int, now: float | None = None) -> None:
    """Count one request; raise RateLimited with the seconds to wait when over ``limit``."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"ratelimit:{client_id}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    if count > limit:
        retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now))
        raise RateLimited(retry_after, limit)
