"""Ticket holders of an edition (valid, refunded, cancelled, arrived or not) and the people who write to them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from festival import roles
from mailings.models import Message
from tests.ticketing.factories import OrderFactory, TicketFactory, TicketTypeFactory, UserFactory
from ticketing.models import CheckIn, Order, Ticket


@pytest.fixture
def weekend(festival):
    return TicketTypeFactory(festival=festival, name="Weekend")


@pytest.fixture
def day_pass(festival):
    return TicketTypeFactory(festival=festival, name="Saturday")


@pytest.fixture
def holder(festival, weekend):
    """A ticket: ``holder("rosa@example.org")`` is a valid weekend ticket of a paid order bought by that
    address; ``attendee_email`` gives the ticket its own address; ``status``/``order_status`` others."""

    def make(buyer_email, *, attendee_email="", ticket_type=None, status=Ticket.Status.VALID,
             order_status=Order.Status.PAID, order=None):  # fmt: skip
        order = order or OrderFactory(festival=festival, buyer_email=buyer_email, status=order_status)
        return TicketFactory(order=order, ticket_type=ticket_type or weekend, status=status,
                             attendee_email=attendee_email)  # fmt: skip

    return make


@pytest.fixture
def arrive(festival, staff):
    """Admit a ticket at the door (``undone=True``: an admission taken back; ``result`` another outcome)."""

    door = staff(roles.DOOR_STAFF, "dev")

    def check_in(ticket, *, result=CheckIn.Result.ADMITTED, undone=False):
        now = timezone.now()
        return CheckIn.objects.create(festival=festival, ticket=ticket, code=ticket.secret, result=result,
                                      day=festival.start_date, door="Main gate", scanned_at=now, staff=door,
                                      nonce=f"n-{ticket.pk}-{result}",
                                      undone_at=now + timedelta(minutes=1) if undone else None)  # fmt: skip

    return check_in


@pytest.fixture
def staff(groups):
    """A user in the named role: ``staff(roles.ORGANISER, "olu", email="olu@festival.invalid")``."""

    def make(role, username, **fields):
        user = UserFactory(username=username, **fields)
        user.groups.add(groups[role])
        return user

    return make


@pytest.fixture
def organiser(staff):
    return staff(roles.ORGANISER, "olu", first_name="Olu", email="olu@festival.invalid")


@pytest.fixture
def draft(festival, organiser):
    """A draft message: ``draft(audience=..., ticket_type=...)``."""

    def make(**fields):
        fields.setdefault("subject", "Doors open at ten")
        fields.setdefault("body", "Hello,\n\nThe doors open at 10:00 on Friday.\n\nSee you there!")
        return Message.objects.create(festival=festival, created_by=organiser, **fields)

    return make
