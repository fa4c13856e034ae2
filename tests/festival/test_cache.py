"""The cache REDIS_URL configures (production's), against the real Redis the machine runs."""

import json
import subprocess
import sys
import uuid

from tests.festival.test_settings import ROOT, clean_environ

REDIS = "redis://127.0.0.1:6379/5"

# Stores, reads, counts and forgets through django.core.cache, from eight threads at once as
# gunicorn's threads would, and says which backend the settings chose.
SCRIPT = """
import json, os, threading
import django
django.setup()
from django.conf import settings
from django.core.cache import cache
run = os.environ["CACHE_TEST_RUN"]  # keys of this run only: other runs may share the database
edition, generation = f"{run}-edition", f"{run}-generation"
cache.set(edition, {"slug": "2026", "title": "Festival of Resistance"}, 60)
cache.set(generation, 7)
many = cache.get_many([generation, edition, f"{run}-missing"])
many = {key.removeprefix(run + "-"): value for key, value in many.items()}
counted = cache.incr(generation)
added = cache.add(generation, 1)
cache.delete(edition)
gone = cache.get(edition, "gone")
errors = []
def work(n):
    for i in range(50):
        cache.set(f"{run}-thread-{n}", i)
        if cache.get(f"{run}-thread-{n}") != i:
            errors.append([n, i])
threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
cache.delete_many([generation, *(f"{run}-thread-{n}" for n in range(8))])
print(json.dumps({"backend": settings.CACHES["default"]["BACKEND"], "many": many, "counted": counted,
                  "added": added, "gone": gone, "errors": errors}))
"""


def test_redis_url_gives_djangos_redis_cache_which_stores_reads_and_counts_from_many_threads():
    env = clean_environ("REDIS_URL", "DATABASE_URL")
    env.update(DJANGO_SETTINGS_MODULE="festival.settings.dev", REDIS_URL=REDIS, PYTHONPATH=str(ROOT))
    env["CACHE_TEST_RUN"] = uuid.uuid4().hex

    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "backend": "django.core.cache.backends.redis.RedisCache",
        "many": {"generation": 7, "edition": {"slug": "2026", "title": "Festival of Resistance"}},
        "counted": 8,
        "added": False,
        "gone": "gone",
        "errors": [],
    }
