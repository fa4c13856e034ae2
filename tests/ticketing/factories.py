"""Factories for ticket types, orders, tickets and check-ins (shared by the ticketing tests)."""

import factory
from django.contrib.auth import get_user_model

from ticketing.models import Order, Ticket, TicketType


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@festival.invalid")


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType

    name = factory.Sequence(lambda n: f"Weekend {n}")
    price = 3000
    capacity = 1000


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    buyer_name = "Rosa Parks"
    buyer_email = "rosa@example.org"
    status = Order.Status.PAID


class TicketFactory(factory.django.DjangoModelFactory):
    """A paid, valid ticket; pass ``ticket_type`` (its festival is the order's)."""

    class Meta:
        model = Ticket

    ticket_type = factory.SubFactory(TicketTypeFactory)
    order = factory.SubFactory(OrderFactory, festival=factory.SelfAttribute("..ticket_type.festival"))
    attendee_name = "Rosa Parks"
    status = Ticket.Status.VALID
    price = 3000
