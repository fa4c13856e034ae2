"""Ballot links: one per badge and edition, signed, and tied to the badge's current secret.

A link holds the ticket's id and a digest of its badge secret, signed with the site's key. A
forged or altered link fails the signature (``forged_link``); a badge reissued after the link was
made has a new secret, so the old link (and the old QR code) no longer votes (``badge_replaced``),
while the new badge's link reaches the same electorate row: still one vote per ticket.
"""

from __future__ import annotations

import hashlib
import hmac

from django.core import signing

from ticketing.models import Ticket

from .errors import AssemblyError

SALT = "assembly.ballot-link"


def _digest(secret: str) -> str:
    return hashlib.sha256(f"assembly-link:{secret}".encode()).hexdigest()[:16]


def ballot_token(ticket: Ticket) -> str:
    """The token of ``ticket``'s ballot link."""
    return signing.Signer(salt=SALT).sign_object({"t": ticket.pk, "k": _digest(ticket.secret)})


def ticket_for(token: str) -> Ticket:
    """The ticket a ballot link is for; raises ``forged_link`` or ``badge_replaced``."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
        ticket_id, digest = int(data["t"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        raise AssemblyError("forged_link") from exc
    # The ticket and its order, not the edition's page: every ballot reads this, and a Wagtail
    # page's columns made the joined query cost twice as much to build as the rest of a cast.
    try:
        ticket = Ticket.objects.select_related("order").get(pk=ticket_id)
    except Ticket.DoesNotExist as exc:
        raise AssemblyError("forged_link") from exc
    if not hmac.compare_digest(_digest(ticket.secret), digest):
        raise AssemblyError("badge_replaced")
    return ticket


def ticket_for_badge_code(code: str) -> Ticket:
    """The ticket whose badge QR holds ``code`` (its current secret); raises ``unknown_ticket``."""
    ticket = Ticket.objects.filter(secret=(code or "").strip()[:40]).first()
    if ticket is None:
        raise AssemblyError("unknown_ticket")
    return ticket
