"""Each attendee their own ticket: the details the buyer gave for them (email, pronouns, access
needs), their own ticket page behind a secret link, and the email that sends it with their badge.

The buyer's order page and confirmation still show every ticket; an attendee's page shows theirs.
Access needs are written only with consent, and only here and by the order hold in ``orders``.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from festival import emails
from outbox import services as outbox
from ticketing.access_needs import DIETARY_MAX, NEEDS, OTHER_MAX
from ticketing.models import AccessNeeds, Order, Ticket
from ticketing.names import clean_name

from . import badges
from .errors import ShopError

NEED_FLAGS = [name for name, _label in NEEDS]
TOKEN_MAX = 64


def clean_details(details: list[dict] | None, *, count: int, buyer_email: str) -> list[dict]:
    """Each ticket's attendee ``email``, ``pronouns`` and access ``needs`` (a dict, or None), checked.

    With no details, or no email for the first ticket, the first ticket carries the buyer's email (the
    buyer's own ticket). Raises ShopError('attendee_details') for a wrong count, a malformed email
    or needs out of bounds; the shop's form says which field first.
    """
    details = list(details) if details is not None else [{} for _ in range(count)]
    if len(details) != count:
        raise ShopError("attendee_details")
    cleaned = []
    for index, detail in enumerate(details):
        email = (detail.get("email") or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise ShopError("attendee_details") from exc
        elif index == 0:
            email = buyer_email
        needs = detail.get("needs")
        cleaned.append({"email": email, "pronouns": clean_name(detail.get("pronouns") or "")[:40],
                        "needs": clean_needs(needs) if needs else None})  # fmt: skip
    return cleaned


def clean_needs(needs: dict) -> dict | None:
    """The stored fields of one attendee's needs, or None when there are none. Raises ShopError
    ('attendee_details') for free text over its limit."""
    dietary = (needs.get("dietary") or "").strip()
    other = (needs.get("other") or "").strip()
    if len(dietary) > DIETARY_MAX or len(other) > OTHER_MAX:
        raise ShopError("attendee_details")
    cleaned = {name: bool(needs.get(name)) for name in NEED_FLAGS}
    cleaned.update(dietary=dietary, other=other)
    return cleaned if any(cleaned.values()) else None


def ticket_by_token(token: str) -> Ticket | None:
    """The ticket whose own page has this link's ``token``, or None."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return Ticket.objects.select_related("order__festival", "ticket_type__festival").filter(access_token=token).first()


def ticket_url(ticket: Ticket) -> str:
    return reverse("ticketing:ticket", kwargs={"token": ticket.access_token})


def access_needs_of(ticket: Ticket) -> AccessNeeds | None:
    return AccessNeeds.objects.filter(ticket=ticket).first()


def update_access_needs(*, ticket: Ticket, needs: dict | None, now: datetime | None = None) -> AccessNeeds | None:
    """Keep ``needs`` (consented to now) for ``ticket``, or delete what was kept when None or empty.
    Raises ShopError('attendee_details') for free text over its limit."""
    cleaned = clean_needs(needs) if needs else None
    with transaction.atomic():
        if cleaned is None:
            AccessNeeds.objects.filter(ticket=ticket).delete()
            return None
        kept, _created = AccessNeeds.objects.update_or_create(
            ticket=ticket, defaults={**cleaned, "consented_at": now or timezone.now()}
        )
    return kept


def has_own_email(ticket: Ticket, order: Order) -> bool:
    """Whether the attendee gave an address of their own (not the buyer's, who has the order page)."""
    return bool(ticket.attendee_email) and ticket.attendee_email.strip().lower() != order.buyer_email.strip().lower()


def ticket_email_key(ticket: Ticket) -> str:
    return f"attendee-ticket:{ticket.pk}"


def build_ticket_email(ticket: Ticket) -> EmailMultiAlternatives:
    """One attendee's email: their ticket page's link and their badge attached."""
    order = ticket.order
    context = {
        "ticket": ticket,
        "order": order,
        "festival": order.festival,
        "ticket_url": settings.SITE_URL + ticket_url(ticket),
    }
    message = emails.message(
        subject=f"Your ticket for {order.festival.title}",
        text_template="ticketing/email/attendee_ticket.txt",
        html_template="ticketing/email/attendee_ticket.html",
        context=context,
        to=[ticket.attendee_email],
    )
    message.attach(badges.badge_filename(ticket), badges.badge_bytes(ticket=ticket), "application/pdf")
    return message


def send_attendee_tickets(order: Order) -> int:
    """Queue, once per ticket, the email of each valid ticket whose attendee gave their own address;
    how many were queued now. Raises nothing of its own."""
    sent = 0
    tickets = order.tickets.select_related("ticket_type__festival", "order__festival").filter(
        status=Ticket.Status.VALID
    )
    for ticket in tickets.order_by("pk"):
        if not has_own_email(ticket, order) or outbox.is_queued(ticket_email_key(ticket)):
            continue
        outbox.queue(build_ticket_email(ticket), key=ticket_email_key(ticket), about=f"order {order.code}")
        sent += 1
    return sent


ACTIVE_STATUSES = (Ticket.Status.VALID, Ticket.Status.PENDING)


def access_needs_report(festival) -> dict:
    """For the access team: how many attendees of ``festival`` (tickets valid or awaiting payment) have
    each need, and who they are (name, needs, an email to reach them: theirs, else the buyer's)."""
    kept = (
        AccessNeeds.objects.filter(ticket__order__festival=festival, ticket__status__in=ACTIVE_STATUSES)
        .select_related("ticket__order", "ticket__ticket_type")
        .order_by("ticket__attendee_name", "pk")
    )
    rows = []
    counts = dict.fromkeys(NEED_FLAGS, 0) | {"dietary": 0, "other": 0}
    for needs in kept:
        for name in NEED_FLAGS:
            counts[name] += getattr(needs, name)
        counts["dietary"] += bool(needs.dietary)
        counts["other"] += bool(needs.other)
        ticket = needs.ticket
        rows.append({"name": ticket.attendee_name, "ticket_type": ticket.ticket_type.name, "needs": needs.labels(),
                     "dietary": needs.dietary, "other": needs.other,
                     "contact": ticket.attendee_email or ticket.order.buyer_email})  # fmt: skip
    labels = dict(NEEDS) | {"dietary": "Dietary needs", "other": "Something else"}
    return {"counts": [(str(labels[name]), count) for name, count in counts.items()], "rows": rows}
