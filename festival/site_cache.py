"""Small things many pages need (the header and footer, an edition's page), cached until editors change the site.

Every entry carries the generation it was built in. Saving, publishing, unpublishing, moving
or deleting any page, or saving a site or the festival settings, moves the generation on (see
``festival.signals``), so old entries are never read again and expire by themselves. With
Redis (production) every process sees the move at once. An entry and the generation are read
in one round trip.

A change made inside a transaction moves the generation on twice: at once, and again when it
commits, so an entry another request built in between, from the data before the commit, is
not kept.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "festival:site:generation"
TIMEOUT = 60 * 60


class Generation:
    """A number kept in the cache that moves on to forget every entry built under an older one."""

    def __init__(self, key: str):
        self.key = key

    def current(self) -> int:
        value = cache.get(self.key)
        return self.start() if value is None else value

    def start(self) -> int:
        cache.add(self.key, time.time_ns(), timeout=None)
        return cache.get(self.key, 0)

    def _move_on(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:
            cache.set(self.key, time.time_ns(), timeout=None)

    def move_on(self) -> None:
        """Move on now and, inside a transaction, again when it commits."""
        self._move_on()
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(self._move_on)


SITE = Generation(GENERATION_KEY)


def generation() -> int:
    return SITE.current()


def invalidate() -> None:
    """Forget everything cached here, now and (inside a transaction) again when it commits."""
    SITE.move_on()


def cached(name: str, key: str, build: Callable[[], object]):
    """``build()``'s value for ``name`` and ``key`` (any text) in this generation; a None result is kept too."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    entry_key = f"festival:site:{name}:{digest}"
    found = cache.get_many([SITE.key, entry_key])
    current = found.get(SITE.key)
    if current is None:
        current = SITE.start()
    entry = found.get(entry_key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = build()
    cache.set(entry_key, (current, value), TIMEOUT)
    return value
