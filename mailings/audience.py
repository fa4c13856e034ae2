"""Who a message goes to: the holders of valid tickets of its edition (of one type, arrived or not),
each ticket's attendee address when it has one, else its buyer's; one address once, whatever its case."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from mailings.models import Message
from ticketing.models import CheckIn, Order, Ticket

Audience = Message.Audience


def tickets(message: Message) -> QuerySet[Ticket]:
    """The valid tickets (of paid orders) of the message's audience. Refunded and cancelled ones are out;
    "arrived" means admitted at a door at least once (an admission undone does not count)."""
    found = Ticket.objects.filter(
        ticket_type__festival_id=message.festival_id, status=Ticket.Status.VALID, order__status=Order.Status.PAID
    )
    if message.audience == Audience.TICKET_TYPE:
        found = found.filter(ticket_type_id=message.ticket_type_id)
    elif message.audience in (Audience.ARRIVED, Audience.NOT_ARRIVED):
        admitted = CheckIn.objects.filter(ticket=OuterRef("pk"), result=CheckIn.Result.ADMITTED, undone_at__isnull=True)
        found = found.filter(Exists(admitted) if message.audience == Audience.ARRIVED else ~Exists(admitted))
    return found


def addresses(message: Message) -> list[str]:
    """Every address the message goes to, once each (compared without regard to case; the first
    spelling met is kept), in the order the tickets were made."""
    seen: dict[str, str] = {}
    for attendee, buyer in tickets(message).order_by("pk").values_list("attendee_email", "order__buyer_email"):
        address = (attendee or buyer or "").strip()
        if address:
            seen.setdefault(address.casefold(), address)
    return list(seen.values())
