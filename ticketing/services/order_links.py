"""Limits on "send me my order links again", so the page cannot be used to flood someone's inbox.

The links themselves are built and queued by ``emails.send_order_links`` (through a task, so the
page answers in the same time whether or not the address bought anything).
"""

from __future__ import annotations

from festival import throttle

PER_ADDRESS = throttle.Limit(3, 60 * 60)
PER_CLIENT = throttle.Limit(10, 60 * 60)


def allow_request(*, email: str, client_ip: str) -> bool:
    """Count a request for ``email``'s order links from ``client_ip``; whether both are within their
    hourly limits (addresses match whatever their case). Raises nothing."""
    address_ok = throttle.allow("order-links-address", email.strip().lower(), PER_ADDRESS)
    client_ok = throttle.allow("order-links-client", client_ip, PER_CLIENT)
    return address_ok and client_ok
