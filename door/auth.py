"""Door tokens: the door page's bearer token for the check-in API.

A token is a signed (user id, edition id, device id, expiry), so a scan needs no session or
permission query; the expiry is part of what is signed. The device (``door.devices``) can be
revoked, which refuses every token it holds. Whether the user may still scan is
re-checked at most once a minute per process, so removing someone from the door staff takes
effect within a minute.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing

from door import devices
from door.devices import TOKEN_MAX_AGE
from festival.models import FestivalPage
from ticketing.models import MANAGE_BADGES_PERMISSION, SCAN_BADGES_PERMISSION

SCAN_PERMISSION = SCAN_BADGES_PERMISSION
MANAGE_PERMISSION = MANAGE_BADGES_PERMISSION
RECHECK_SECONDS = 60
_SALT = "door.token"
MAX_KNOWN_TOKENS = 1000  # far more than an edition has door devices
_allowed: dict[int, tuple[float, bool]] = {}
_festivals: dict[int, tuple[float, object]] = {}
# Tokens whose signature was checked: token → (when it expires, in seconds since the epoch; identity).
# Checking a signature is an HMAC and a JSON decode, on every scan; this keeps it to once.
_tokens: dict[str, tuple[float, DoorAuth]] = {}


@dataclass(frozen=True)
class DoorAuth:
    user_id: int
    festival_id: int
    device_id: int


def issue_token(*, user, festival, device=None, label: str = "") -> str:
    """A bearer token for ``user`` to scan at ``festival`` from ``device``, valid for ``TOKEN_MAX_AGE``
    seconds; without a device, a new one is registered (called ``label``)."""
    if device is None:
        device = devices.register_device(user=user, festival=festival, label=label)
    expires = int(time.time()) + TOKEN_MAX_AGE
    payload = {"u": user.pk, "f": festival.pk, "d": device.pk, "e": expires}
    return signing.Signer(salt=_SALT).sign_object(payload, compress=False)


def _may_scan(user_id: int) -> bool:
    now = time.monotonic()
    cached = _allowed.get(user_id)
    if cached and cached[0] > now:
        return cached[1]
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    allowed = bool(user and user.has_perm(SCAN_PERMISSION))
    _allowed[user_id] = (now + RECHECK_SECONDS, allowed)
    return allowed


def authenticate(request) -> DoorAuth | None:
    """The door identity of a request's ``Authorization: Bearer`` token, or None."""
    return authenticate_header(request.META.get("HTTP_AUTHORIZATION", ""))  # not request.headers: it copies them all


def authenticate_header(header: str) -> DoorAuth | None:
    """The door identity of an ``Authorization`` header's bearer token, or None."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token or len(token) > 400:
        return None
    auth = _verified(token.strip())
    return auth if auth is not None and _may_scan(auth.user_id) else None


def _verified(token: str) -> DoorAuth | None:
    """The identity a token was signed for, if its signature holds and it has not expired."""
    known = _tokens.get(token)
    if known is not None:
        return known[1] if time.time() <= known[0] else None
    try:
        data = signing.Signer(salt=_SALT).unsign_object(token)
        auth, expires = DoorAuth(int(data["u"]), int(data["f"]), int(data["d"])), int(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if time.time() > expires:
        return None
    if len(_tokens) >= MAX_KNOWN_TOKENS:
        _tokens.clear()
    _tokens[token] = (expires, auth)
    return auth


def festival_by_id(festival_id: int):
    """The edition, cached for a minute per process (its dates and time zone rarely change)."""
    now = time.monotonic()
    cached = _festivals.get(festival_id)
    if cached and cached[0] > now:
        return cached[1]
    festival = FestivalPage.objects.filter(pk=festival_id).first()
    _festivals[festival_id] = (now + RECHECK_SECONDS, festival)
    return festival


def clear_caches() -> None:
    devices.clear_caches()
    _tokens.clear()
    _allowed.clear()
    _festivals.clear()
