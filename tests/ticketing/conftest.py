"""Shop fixtures: an edition on sale and its ticket types (the Stripe emulator's fixtures are in tests/conftest.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from festival import roles
from festival.demo import upsert_child
from festival.models import FestivalPage
from ticketing.models import Order, TicketType
from ticketing.services import checkout, orders, payments

from .factories import UserFactory


@pytest.fixture
def festival(home):
    """The shared three-day edition, dated four weeks from today: sales close by themselves once an
    edition's last day has passed, and the shop's tests buy tickets whatever day they run on."""
    start = timezone.localdate() + timedelta(days=28)
    return upsert_child(
        home,
        FestivalPage,
        slug="2026",
        title="Festival of Resistance 2026",
        start_date=start,
        end_date=start + timedelta(days=2),
        venue_name="Northern Co-operative Hall",
        time_zone="Europe/London",
        status=FestivalPage.Status.ON_SALE,
    )


@pytest.fixture
def standard(festival):
    return TicketType.objects.create(festival=festival, name="Standard", price=3500, capacity=100, max_per_order=6)


@pytest.fixture
def solidarity(festival):
    return TicketType.objects.create(
        festival=festival,
        name="Solidarity",
        pricing=TicketType.Pricing.SLIDING,
        min_price=500,
        suggested_price=1500,
        capacity=50,
        sort_order=-1,
    )


# The box office (issue 19): staff of each role, signed in, and an order paid through the emulator.


@pytest.fixture
def staff_member(groups):
    """A member of staff in the named role: ``staff_member(roles.BOX_OFFICE, "bex")``."""

    def make(role, username, **fields):
        user = UserFactory(username=username, **fields)
        user.groups.add(groups[role])
        return user

    return make


@pytest.fixture
def box_office(staff_member, client):
    """Box office, signed in on ``client``."""
    user = staff_member(roles.BOX_OFFICE, "bex", first_name="Bex", last_name="Okafor")
    client.force_login(user)
    return user


@pytest.fixture
def paid(stripe_emulator):
    """Place an order for ``quantity`` tickets of a type and pay it through the emulator (the success
    page's check, no webhook): ``paid(festival, standard, 2, donation=500)``."""

    def pay(festival, ticket_type, quantity=1, *, donation=0, names=None):
        order = checkout.place_order(
            festival=festival,
            buyer_name="Sylvia Pankhurst",
            buyer_email="sylvia@example.org",
            lines=[orders.LineRequest(ticket_type_id=ticket_type.pk, quantity=quantity)],
            attendee_names=names or [f"Attendee {n + 1}" for n in range(quantity)],
            donation=donation,
        )
        stripe_emulator.emulator.pay(order.stripe_checkout_session_id)
        payments.confirm_from_success_page(order=order, session_id=order.stripe_checkout_session_id)
        order.refresh_from_db()
        assert order.status == Order.Status.PAID
        return order

    return pay
