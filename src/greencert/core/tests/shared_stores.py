"""The two shared stores a node can run with, for tests that show two server processes share
limits: the database table, and Redis (a database number and key prefix of these tests' own, so
parallel test processes and other suites on the same Redis never collide)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

REDIS_URL = os.environ.get("GREENCERT_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def store_config(kind: str) -> dict[str, Any]:
    """A fresh store: in Redis, keys under a prefix no other test uses (never a flush, which
    would empty the database number under a parallel test)."""
    if kind == "redis":
        if not redis_reachable():
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"greencert-websec-tests-{uuid.uuid4().hex}",
            "TIMEOUT": 120,
        }
    return {"BACKEND": "greencert.core.cache.DatabaseCounterCache", "LOCATION": "greencert_cache"}


@contextmanager
def server_process(store: dict[str, Any]) -> Iterator[None]:
    """Inside: requests handled as by one server process, with its own cache clients over the
    shared store (leaving and entering again drops them, as another process never had them)."""
    with override_settings(CACHES={**settings.CACHES, "shared": store}):
        yield
