"""Throttles on the shared cache (Redis in production, so every app server counts together).

A fixed window per key: ``allow`` counts one attempt and answers whether it is within the limit.
Keys are hashed, so an email address or token never sits in the cache in the clear. Imports no app.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.shortcuts import render


@dataclass(frozen=True)
class Limit:
    """At most ``count`` attempts per ``seconds``."""

    count: int
    seconds: int


def _cache_key(scope: str, key: str) -> str:
    return f"throttle:{scope}:{hashlib.sha256(key.encode()).hexdigest()[:40]}"


def allow(scope: str, key: str, limit: Limit, *, cost: int = 1) -> bool:
    """Count ``cost`` attempts (one by default) of ``key`` in ``scope``; False once the window holds more
    than the limit."""
    cache_key = _cache_key(scope, key)
    if cache.add(cache_key, cost, limit.seconds):
        return cost <= limit.count
    try:
        return cache.incr(cache_key, cost) <= limit.count
    except ValueError:  # the window ran out between the two calls
        cache.add(cache_key, cost, limit.seconds)
        return cost <= limit.count


def used_up(scope: str, key: str, limit: Limit) -> bool:
    """Whether ``key`` has had its limit's worth of attempts in the window, without counting one.
    For throttles that count only failures (``allow`` after each failure, ``used_up`` before trying)."""
    return (cache.get(_cache_key(scope, key)) or 0) >= limit.count


def client_ip(request, *args) -> str:
    """The visitor's address. Behind a proxy on this machine (README, *Production*), the last address
    in X-Forwarded-For, which that proxy wrote (a client can only put addresses before it).
    (django-axes calls it with more arguments: AXES_CLIENT_IP_CALLABLE.)"""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and remote in ("127.0.0.1", "::1"):
        return forwarded.rsplit(",", 1)[-1].strip()
    return remote


def too_many(request, limit: Limit, *, what: str):
    """The 429 page: plain words, and when to try again."""
    response = render(request, "429.html", {"what": what, "minutes": max(limit.seconds // 60, 1)}, status=429)
    response["Retry-After"] = str(limit.seconds)
    return response
