"""Who gets a message: valid tickets of paid orders only, the attendee's address before the buyer's,
each address once whatever its case, per ticket type, and arrived or not from the door's check-ins."""

import pytest

from mailings import audience
from mailings.models import Message
from tests.ticketing.factories import TicketTypeFactory
from ticketing.models import CheckIn, Order, Ticket

pytestmark = pytest.mark.django_db

Audience = Message.Audience


def test_everyone_is_every_valid_ticket_holder_and_no_refunded_cancelled_or_unpaid_one(holder, draft):
    holder("rosa@example.org")
    holder("refunded@example.org", status=Ticket.Status.REFUNDED)
    holder("cancelled@example.org", status=Ticket.Status.CANCELLED)
    holder("pending@example.org", status=Ticket.Status.PENDING, order_status=Order.Status.PENDING)
    holder("order-refunded@example.org", order_status=Order.Status.REFUNDED)
    holder("nye@example.org")

    assert audience.addresses(draft()) == ["rosa@example.org", "nye@example.org"]


def test_a_ticket_with_its_own_address_goes_there_and_not_to_its_buyer(holder, draft):
    rosa = holder("buyer@example.org", attendee_email="rosa@example.org")
    holder("buyer@example.org", order=rosa.order)  # the buyer's own ticket in the same order

    assert audience.addresses(draft()) == ["rosa@example.org", "buyer@example.org"]


def test_one_email_per_address_whatever_its_case_the_first_spelling_kept(holder, draft):
    first = holder("Rosa@Example.org")
    holder("rosa@example.org")
    holder("someone@example.org", attendee_email="ROSA@EXAMPLE.ORG ")
    holder("ignored@example.org", order=first.order)  # a second ticket in Rosa's order
    holder("nye@example.org")

    assert audience.addresses(draft()) == ["Rosa@Example.org", "nye@example.org"]


def test_holders_of_one_ticket_type(holder, draft, day_pass):
    holder("rosa@example.org")
    holder("nye@example.org", ticket_type=day_pass)
    holder("gone@example.org", ticket_type=day_pass, status=Ticket.Status.REFUNDED)

    message = draft(audience=Audience.TICKET_TYPE, ticket_type=day_pass)

    assert audience.addresses(message) == ["nye@example.org"]


def test_arrived_and_not_arrived_come_from_admissions_at_the_door(holder, draft, arrive):
    arrived = holder("arrived@example.org")
    undone = holder("undone@example.org")
    refused = holder("refused@example.org")
    holder("home@example.org")
    gone = holder("refunded-after-arriving@example.org")
    arrive(arrived)
    arrive(undone, undone=True)  # an admission taken back: not arrived
    arrive(refused, result=CheckIn.Result.NOT_VALID_TODAY)
    arrive(gone)
    Ticket.objects.filter(pk=gone.pk).update(status=Ticket.Status.REFUNDED)

    assert audience.addresses(draft(audience=Audience.ARRIVED)) == ["arrived@example.org"]
    assert audience.addresses(draft(audience=Audience.NOT_ARRIVED)) == [
        "undone@example.org",
        "refused@example.org",
        "home@example.org",
    ]


def test_an_edition_only_reaches_its_own_ticket_holders(holder, draft, home, live_festival):
    holder("rosa@example.org")
    holder("live@example.org", ticket_type=TicketTypeFactory(festival=live_festival))

    assert audience.addresses(draft()) == ["rosa@example.org"]
