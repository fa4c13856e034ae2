"""The production cache backend, against the real Redis the machine runs (REDIS_URL in production)."""

import os
import threading
import uuid

import pytest

from festival.cache import RedisCache

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def redis_cache():
    backend = RedisCache(REDIS, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield backend
    backend.clear()


def test_it_stores_reads_and_counts_like_djangos_redis_cache(redis_cache):
    redis_cache.set("edition", {"slug": "2026", "title": "Festival of Resistance"}, 60)
    redis_cache.set("generation", 7)

    assert redis_cache.get("edition") == {"slug": "2026", "title": "Festival of Resistance"}
    assert redis_cache.get_many(["generation", "edition", "missing"]) == {
        "generation": 7,
        "edition": {"slug": "2026", "title": "Festival of Resistance"},
    }
    assert redis_cache.incr("generation") == 8
    assert redis_cache.add("generation", 1) is False
    redis_cache.delete("edition")
    assert redis_cache.get("edition", "gone") == "gone"


def test_one_redis_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client(write=True)

    redis_cache.set("a", 1)
    redis_cache.get("a")

    assert redis_cache._cache.get_client(write=False) is client
    assert redis_cache._cache.get_client("a", write=True) is client


def test_threads_sharing_the_client_each_read_their_own_values(redis_cache):
    errors = []

    def work(n):
        for i in range(50):
            redis_cache.set(f"thread-{n}", i)
            if redis_cache.get(f"thread-{n}") != i:
                errors.append((n, i))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
