"""Limits on "send me my order links again", so the page cannot be used to flood someone's inbox.

The links themselves are built and queued by ``emails.send_order_links`` (through a task, so the
page answers in the same time whether or not the address bought anything).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

PER_ADDRESS_PER_HOUR = 3
PER_CLIENT_PER_HOUR = 10
WINDOW_SECONDS = 60 * 60


def _within(key: str, limit: int) -> bool:
    """Count one request under ``key`` for the window; whether the count is within ``limit``."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit


def allow_request(*, email: str, client_ip: str) -> bool:
    """Count a request for ``email``'s order links from ``client_ip``; whether both are within their
    hourly limits (addresses match whatever their case). Raises nothing."""
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()  # no addresses in the cache
    address_ok = _within(f"order-links:address:{address}", PER_ADDRESS_PER_HOUR)
    client_ok = _within(f"order-links:client:{client_ip}", PER_CLIENT_PER_HOUR)
    return address_ok and client_ok
