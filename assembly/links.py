"""Ballot links: one per badge and edition, signed, and tied to the badge's current secret.

A link holds the ticket's id and a digest of its badge secret, signed with the site's key. A
forged or altered link fails the signature (``forged_link``); a badge reissued after the link was
made has a new secret, so the old link (and the old QR code) no longer votes (``badge_replaced``),
while the new badge's link reaches the same electorate row: still one vote per ticket.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.core import signing

from ticketing.models import Ticket

from .errors import AssemblyError

SALT = "assembly.ballot-link"


def _digest(secret: str) -> str:
    return hashlib.sha256(f"assembly-link:{secret}".encode()).hexdigest()[:16]


def ballot_token(ticket: Ticket) -> str:
    """The token of ``ticket``'s ballot link."""
    return signing.Signer(salt=SALT).sign_object({"t": ticket.pk, "k": _digest(ticket.secret)})


@dataclass(frozen=True)
class Link:
    """What a ballot link says, its signature checked: the ticket, and a digest of its badge's secret."""

    ticket_id: int
    digest: str

    def opens(self, secret: str) -> bool:
        """Whether the link was made for the badge whose current secret is ``secret``."""
        return hmac.compare_digest(_digest(secret), self.digest)


def read(token: str) -> Link:
    """The link's claim, if its signature holds; raises ``forged_link``. Whether the badge it names
    is still the ticket's is for ``ticket_for`` (or the cast itself, which reads the secret anyway)."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
        return Link(ticket_id=int(data["t"]), digest=str(data["k"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        raise AssemblyError("forged_link") from exc


# What the voter's pages use of the ticket, its order and its edition (the base template reads the
# edition's SEO fields): the edition's whole Wagtail page, joined in, cost twice as much to build
# as the rest of a cast.
TICKET_FIELDS = ("secret", "attendee_name", "status", "order__status", "order__festival_id")
EDITION_FIELDS = tuple(
    f"order__festival__{name}" for name in ("title", "slug", "url_path", "locale_id", "seo_title", "search_description")
)


def ticket_for(token: str) -> Ticket:
    """The ticket a ballot link is for, with its order and (the shown fields of) its edition; raises
    ``forged_link`` or ``badge_replaced``."""
    link = read(token)
    tickets = Ticket.objects.select_related("order__festival").only(*TICKET_FIELDS, *EDITION_FIELDS)
    try:
        ticket = tickets.get(pk=link.ticket_id)
    except Ticket.DoesNotExist as exc:
        raise AssemblyError("forged_link") from exc
    if not link.opens(ticket.secret):
        raise AssemblyError("badge_replaced")
    return ticket


def ticket_for_badge_code(code: str) -> Ticket:
    """The ticket whose badge QR holds ``code`` (its current secret); raises ``unknown_ticket``."""
    ticket = Ticket.objects.filter(secret=(code or "").strip()[:40]).first()
    if ticket is None:
        raise AssemblyError("unknown_ticket")
    return ticket
