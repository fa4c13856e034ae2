"""Door devices: each door page (and each hardware token) is a device, named in its tokens, that an
organiser can revoke and that signs itself out.

Revocation is kept in the shared cache (Redis in production), read by the check-in API. Reading
it on every scan cost about a tenth of a scan (bench/bench_door.py), so each process reads a
device's state at most once every ``DOOR_REVOCATION_RECHECK_SECONDS`` (1 s): a revoked device is
refused at once by the process that revoked it, and within a second by every other. Should the
cache lose the entry, the database is asked (once a minute per device while it stays live).

The per-token throttle counts in the same shared cache, in batches: each process adds up a
device's requests and counts them there every ``DOOR_TOKEN_RATE_SAMPLE`` requests, so the scan
path pays one cache round trip in that many, not three on every request.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from door.errors import DeviceError
from door.models import DoorDevice
from festival import throttle

TOKEN_MAX_AGE = 16 * 60 * 60  # one long festival day: a token's, and a door session's, lifetime
LIVE_SECONDS = 60  # how long the cache may say "live" before the database is asked again
SEEN_EVERY_SECONDS = 60  # last_seen_at is written at most this often per device and process
MAX_KNOWN_DEVICES = 1000  # far more than an edition has door devices
_state: dict[int, tuple[float, bool]] = {}  # device id → (re-read after, monotonic; revoked)
_seen: dict[int, float] = {}  # device id → when this process last wrote last_seen_at (monotonic)
_counts: dict[int, list] = {}  # device id → [requests not yet counted in the cache, throttled]


def _key(device_id: int) -> str:
    return f"door:device:{device_id}:revoked"


def summarise_user_agent(agent: str) -> str:
    """'Chrome on Android' and the like, from a User-Agent header: enough to tell devices apart."""
    browsers = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
    systems = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "Mac"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    browser = next((name for token, name in browsers if token in agent), "")
    system = next((name for token, name in systems if token in agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or re.sub(r"[^\w ./()-]", "", agent)[:60]


def register_device(*, user, festival, device_id: int | None = None, label: str = "") -> DoorDevice:
    """This user's device ``device_id`` refreshed for a new token, or a new device; raises
    DeviceError('device_revoked') when that device was revoked."""
    now = timezone.now()
    with transaction.atomic():
        device = None
        if device_id is not None:
            device = DoorDevice.objects.select_for_update().filter(pk=device_id, user=user).first()
        if device is not None and device.revoked:
            raise DeviceError("device_revoked")
        if device is None:
            device = DoorDevice.objects.create(
                user=user, festival=festival, label=label[:120], issued_at=now, last_seen_at=now
            )
        else:
            DoorDevice.objects.filter(pk=device.pk).update(festival=festival, issued_at=now, last_seen_at=now)
    cache.set(_key(device.pk), False, LIVE_SECONDS)
    _seen[device.pk] = time.monotonic()  # seen just now: no need to write it again for a minute
    return device


def revoke_device(*, device_id: int, by) -> DoorDevice:
    """Revoke a device: every token it holds is refused from now on; raises DeviceError('no_such_device').
    Revoking one already revoked changes nothing."""
    with transaction.atomic():
        device = DoorDevice.objects.select_for_update().filter(pk=device_id).first()
        if device is None:
            raise DeviceError("no_such_device")
        if not device.revoked:
            device.revoked_at, device.revoked_by = timezone.now(), by
            device.save(update_fields=["revoked_at", "revoked_by"])
        # Set at once, not on commit: a token must not outlive the click by even a request. Kept
        # for as long as any of its tokens can live.
        cache.set(_key(device.pk), True, TOKEN_MAX_AGE + 60)
        _state.pop(device.pk, None)
    return device


def sign_out_device(*, user, device_id: int | None) -> None:
    """The user's own device signs out (revoked by them); nothing happens for another's or none."""
    if device_id is not None and DoorDevice.objects.filter(pk=device_id, user=user).exists():
        revoke_device(device_id=device_id, by=user)


def is_revoked(device_id: int) -> bool:
    """Whether the device was revoked (or never existed): read from the shared cache at most once a
    second per process; from the database when the cache has lost it. Notes when it was last seen."""
    now = time.monotonic()
    known = _state.get(device_id)
    if known is not None and known[0] > now:
        return known[1]
    revoked = cache.get(_key(device_id))
    if revoked is None:
        row = DoorDevice.objects.filter(pk=device_id).values("revoked_at").first()
        revoked = row is None or row["revoked_at"] is not None
        cache.set(_key(device_id), revoked, TOKEN_MAX_AGE + 60 if revoked else LIVE_SECONDS)
    if len(_state) >= MAX_KNOWN_DEVICES:
        _state.clear()
        _seen.clear()
    _state[device_id] = (now + settings.DOOR_REVOCATION_RECHECK_SECONDS, revoked)
    if not revoked and now - _seen.get(device_id, -SEEN_EVERY_SECONDS) >= SEEN_EVERY_SECONDS:
        _seen[device_id] = now
        DoorDevice.objects.filter(pk=device_id).update(last_seen_at=timezone.now())
    return revoked


def within_rate(device_id: int) -> bool:
    """Count one API request of the device; False while it is over ``DOOR_TOKEN_RATE`` (count, seconds).

    Counted in the shared cache every ``DOOR_TOKEN_RATE_SAMPLE`` requests, with the requests since the
    last count, so a device may get that many more than the limit per process before it is stopped.
    (Threads of a process may lose a count between them now and then: this is a brake on abuse, not
    an account.)"""
    every = settings.DOOR_TOKEN_RATE_SAMPLE
    entry = _counts.get(device_id)
    if entry is None:
        if len(_counts) >= MAX_KNOWN_DEVICES:
            _counts.clear()
        entry = _counts[device_id] = [0, False]
    entry[0] += 1
    if entry[0] >= every:
        count, seconds = settings.DOOR_TOKEN_RATE
        pending, entry[0] = entry[0], 0
        entry[1] = not throttle.allow("door-token", str(device_id), throttle.Limit(count, seconds), cost=pending)
    return not entry[1]


def rate_window() -> int:
    """Seconds a throttled device waits at most (Retry-After)."""
    return settings.DOOR_TOKEN_RATE[1]


def devices_for(*, festival, now=None):
    """The edition's devices whose tokens may still be live, and those revoked or lapsed in the last day."""
    now = now or timezone.now()
    since = now - timedelta(seconds=TOKEN_MAX_AGE) - timedelta(days=1)
    return (
        DoorDevice.objects.filter(festival=festival, issued_at__gte=since)
        .select_related("user", "revoked_by")
        .order_by("revoked_at", "-last_seen_at")
    )


def is_live(device: DoorDevice, now=None) -> bool:
    """Not revoked and holding a token that has not expired."""
    now = now or timezone.now()
    return not device.revoked and device.issued_at > now - timedelta(seconds=TOKEN_MAX_AGE)


def clear_caches() -> None:
    _state.clear()
    _seen.clear()
    _counts.clear()
