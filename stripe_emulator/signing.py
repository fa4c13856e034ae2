"""Webhook signatures, made exactly as Stripe makes them."""

import hashlib
import hmac
import time


def sign_payload(payload: str, secret: str, *, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header value: ``t=<ts>,v1=<HMAC-SHA256 of "<ts>.<payload>">``."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    signed = f"{ts}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"
