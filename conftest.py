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


def _reload_reference_data() -> None:
    """What the data migrations load (regions, catalog, counters), which flush empties."""
    from django.apps import apps

    from greencert.catalog.loader import sync_catalog
    from greencert.core.sequence import EVENT_SEQUENCE
    from greencert.portal.targets import sync_targets
    from greencert.regions.loader import sync_regions

    sync_regions(apps.get_model("regions", "Region"))
    sync_catalog(
        *(apps.get_model("catalog", m) for m in ("Category", "Standard", "ImplementationRule"))
    )
    apps.get_model("core", "Counter").objects.get_or_create(name=EVENT_SEQUENCE)
    sync_targets(apps.get_model("portal", "Target"), apps.get_model("regions", "Region"))


@pytest.fixture(autouse=True, scope="session")
def _flush_may_empty_the_event_log():
    """Transactional tests end with ``flush``: on SQLite its DELETE needs the purge flag, and on
    both engines the reference data of the data migrations is loaded again afterwards."""
    from django.core.management.commands import flush

    from greencert.core.purge import allow_purge

    original = flush.Command.handle

    def handle(self, *args, **options):
        with allow_purge():
            result = original(self, *args, **options)
        _reload_reference_data()
        return result

    flush.Command.handle = handle
    yield
    flush.Command.handle = original
