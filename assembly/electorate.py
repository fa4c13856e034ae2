"""Who may vote: the one rule, evaluated when a vote opens and snapshot into ``Elector`` rows.

A ticket is in the electorate when it and its order are in good standing (paid, not refunded or
cancelled: ``door.admission.standing``), it is of one of the vote's ticket types (none chosen: any
type of the edition), and, when the vote asks, it was admitted at the door today (an admission not
undone, on the edition's calendar day). Delegates named for the edition are added when the vote
includes them, each with their group's weight instead of one: one vote per group, counted as the
group's weight. A delegate whose ticket is also in by the ticket rule votes once, with the weight.

The snapshot is what counts: someone checked in after the vote opened is not added. Standing is
checked again when a ballot is cast, so a ticket refunded or cancelled after opening cannot vote.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import timezone

from door.admission import festival_day, standing
from ticketing.models import CheckIn, Order, Ticket

from .models import Delegate, Vote


def good_standing(tickets):
    """``tickets`` narrowed to those that are valid and paid for (the door's ``standing`` rule, as a query)."""
    return tickets.filter(status=Ticket.Status.VALID, order__status=Order.Status.PAID)


def electorate(*, vote: Vote, now=None) -> dict[int, int]:
    """The vote's electorate by its rule at ``now``: ticket id -> weight."""
    festival = vote.festival
    tickets = good_standing(Ticket.objects.filter(order__festival=festival))
    chosen = list(vote.ticket_types.values_list("pk", flat=True))
    if chosen:
        tickets = tickets.filter(ticket_type__in=chosen)
    if vote.checked_in_today:
        today = festival_day(festival, now or timezone.now())
        admitted = CheckIn.objects.filter(
            ticket=OuterRef("pk"), day=today, result=CheckIn.Result.ADMITTED, undone_at__isnull=True
        )
        tickets = tickets.filter(Exists(admitted))
    members = dict.fromkeys(tickets.values_list("pk", flat=True), 1)
    if vote.include_delegates:
        delegates = Delegate.objects.filter(festival=festival, ticket__in=good_standing(Ticket.objects.all()))
        members.update(delegates.values_list("ticket_id", "weight"))
    return members


def in_standing(*, ticket_status: str, order_status: str) -> bool:
    """Whether a ticket may still vote: not refunded, cancelled or unpaid since the vote opened."""
    return standing(ticket_status=ticket_status, order_status=order_status) is None
