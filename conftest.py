"""Test-wide settings and fixtures: a cheap password hasher, asynchronous commits on PostgreSQL,
files in a temporary folder, a clean local cache, and the flush after transactional tests.

Fixtures of the domain (bodies, people, certificates, a browser) are in ``src/greencert/conftest.py``.
"""

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.utils import translation


def pytest_configure(config):
    """Tests create hundreds of users; PBKDF2's million rounds per password were most of the
    suite's time. What tests check is who may do what, not how passwords are stored, so they
    hash with MD5 — here only, never in ``greencert.settings``."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The cache server processes share (rate limits, used challenges) is the database's or
    # Redis's; a test that is not about sharing counts in this process's memory, cleared between
    # tests, so no test's limit carries into the next. Tests of the sharing itself set it.
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "shared",
        },
    }
    database = settings.DATABASES["default"]
    if database["ENGINE"] == settings.POSTGRESQL_ENGINE:
        # A test database need not survive a power cut: commits (migrations, transactional
        # tests) return without waiting for the WAL to reach the disk.
        database.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    caches["shared"].clear()
    yield
    cache.clear()
    caches["shared"].clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request's language (``?lang=en``) stays active in the thread after the response, and code
    that translates outside a request would otherwise speak the previous test's language."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def _files_go_to_a_temporary_folder(tmp_path_factory):
    """Uploads and open-data exports land in the run's (the worker's) temporary folder, not in
    var/ beside a developer's demo data, and parallel workers never share a file."""
    from django.test import override_settings

    original = settings.MEDIA_ROOT, settings.VAR_DIR
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.VAR_DIR = tmp_path_factory.mktemp("var")
    # Nothing collected, as on a fresh clone: a demo's var/static (versioned names) is not the
    # suite's. Through override_settings, so the static files storage is made again.
    nothing_collected = override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static"))
    nothing_collected.enable()
    yield
    nothing_collected.disable()
    settings.MEDIA_ROOT, settings.VAR_DIR = original


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    """``@pytest.mark.postgres_only(reason="…")`` is for a feature SQLite lacks, not for a test
    that is merely awkward there: threads, live servers and transactional tests run on both.

    Modules marked ``starts_first`` (servers, seeded registries: minutes of set-up shared by their
    tests) run first, so their wait overlaps the rest of the suite instead of trailing it; with
    ``--dist loadfile`` each module's tests run in order on one worker, sharing its set-up."""
    items.sort(key=lambda item: item.get_closest_marker("starts_first") is None)
    if connection.vendor == "postgresql":
        return
    for item in items:
        marker = item.get_closest_marker("postgres_only")
        if marker is None:
            continue
        reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
        if not reason:
            raise pytest.UsageError(f"{item.nodeid}: postgres_only needs a reason=")
        item.add_marker(pytest.mark.skip(reason=f"PostgreSQL only: {reason}"))


# What the data migrations load, which a flush empties and the next test expects.
REFERENCE_MODELS = (
    "regions.Region",
    "catalog.Standard",
    "catalog.Category",
    "catalog.Category_standards",
    "catalog.ImplementationRule",
    "catalog.EvaluationScheme",
    "core.Counter",
    "portal.Target",
)


def _reference_rows() -> list[list[Any]]:
    """The reference rows as the migrations left them; none when the run made no test database
    (no test in it uses one)."""
    from django.apps import apps
    from django.db import DatabaseError

    try:
        return [
            rows
            for label in REFERENCE_MODELS
            if (rows := list(apps.get_model(label)._base_manager.order_by("pk")))
        ]
    except DatabaseError:
        return []


@pytest.fixture(autouse=True, scope="session")
def _flush_may_empty_the_event_log(django_db_setup, django_db_blocker):
    """Transactional tests end with ``flush``: on SQLite its DELETE needs the purge flag, and on
    both engines the reference data of the data migrations is put back afterwards, from a copy
    taken before the first test (inserting it again is much cheaper than loading the data
    files again)."""
    from django.core.management.commands import flush
    from django.db import transaction

    from greencert.core.purge import allow_purge

    with django_db_blocker.unblock():
        reference = _reference_rows()
    original = flush.Command.handle

    def handle(self, *args, **options):
        with allow_purge():
            result = original(self, *args, **options)
        with transaction.atomic(using=options.get("database", "default")):
            for rows in reference:
                type(rows[0])._base_manager.bulk_create(rows)
        return result

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture(autouse=True, scope="session")
def _no_session_outlives_the_suite(django_db_setup, django_db_blocker):
    """Threads of concurrency and live-server tests may leave a connection open; on PostgreSQL
    it would keep the test database from being dropped at the end of the run."""
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
