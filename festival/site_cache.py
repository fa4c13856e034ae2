"""Small things many pages need (the header and footer, an edition's page), cached until editors change the site.

Every key carries a generation number. Saving, publishing, unpublishing, moving or deleting
any page, or saving a site or the festival settings, moves the generation on (see
``festival.signals``), so old entries are never read again and expire by themselves. With
Redis (production) every process sees the move at once.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.core.cache import cache

GENERATION_KEY = "festival:site:generation"
TIMEOUT = 60 * 60
_MISSING = object()


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY, 0)
    return value


def invalidate() -> None:
    """Forget everything cached here."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def cached(name: str, key: str, build: Callable[[], object]):
    """``build()``'s value for ``name`` and ``key`` (any text) in this generation; a None result is kept too."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    full_key = f"festival:site:{generation()}:{name}:{digest}"
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(full_key, value, TIMEOUT)
    return value
