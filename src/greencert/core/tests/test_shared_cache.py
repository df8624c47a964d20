"""The cache every server process shares: counters kept in the database count each increment
once, even from two processes (two cache clients) at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from greencert.core.cache import DatabaseCounterCache
from greencert.settings import shared_cache

TABLE = "greencert_cache"


def process_cache() -> DatabaseCounterCache:
    """What one server process holds: its own cache client over the shared table."""
    return DatabaseCounterCache(TABLE, {})


def test_without_redis_the_shared_cache_is_the_database():
    assert shared_cache("")["BACKEND"] == "greencert.core.cache.DatabaseCounterCache"
    assert shared_cache("")["LOCATION"] == TABLE


def test_with_redis_the_shared_cache_is_redis():
    config = shared_cache("redis://127.0.0.1:6379/3")
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == "redis://127.0.0.1:6379/3"


@pytest.mark.django_db
def test_two_processes_count_into_one_counter():
    one, two = process_cache(), process_cache()
    assert one.add("hits", 0, timeout=60)
    assert not two.add("hits", 0, timeout=60)  # the other process already made it

    one.incr("hits")
    two.incr("hits")
    one.incr("hits")

    assert two.get("hits") == 3


@pytest.mark.django_db
def test_an_expired_counter_cannot_be_incremented():
    cache = process_cache()
    cache.set("old", 5, timeout=-1)

    with pytest.raises(ValueError):
        cache.incr("old")


@pytest.mark.django_db(transaction=True)
def test_increments_at_the_same_moment_are_each_counted():
    process_cache().add("together", 0, timeout=60)
    threads_count, each = 4, 10
    start = threading.Barrier(threads_count)
    failures: list[BaseException] = []

    def count() -> None:
        cache = process_cache()
        try:
            start.wait()
            for _ in range(each):
                cache.incr("together")
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=count) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert process_cache().get("together") == threads_count * each
