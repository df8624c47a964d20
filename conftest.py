"""Test-wide fixtures: the database engine in use, and a clean local cache."""

import pytest
from django.core.cache import cache
from django.db import connection


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(
            reason="needs PostgreSQL (runs in the PostgreSQL pass of make test)"
        )
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(skip)
