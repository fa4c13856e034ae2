"""Journey: an organiser postpones the edition in the admin, and a buyer takes the refund the order page offers.

A buyer's order is paid through the Stripe emulator. In Chromium, the organiser opens the edition's
postponement page, chooses new dates and a refund deadline, reviews what will happen and confirms. The
buyer, on their order page, reads that the festival is postponed and until when they can have their money
back, presses the button, and Stripe (the emulator) refunds the whole order. A CSP violation on any page
fails the test (tests/browser.py).
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from festival import roles
from outbox.models import OutgoingEmail
from tests.browser import LAPTOP, assert_accessible
from ticketing.models import Order, Ticket, TicketType
from ticketing.services import checkout, orders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paid_order(live_festival, live_site, stripe_emulator):
    weekend = TicketType.objects.create(festival=live_festival, name="Weekend", price=3500, capacity=100)
    order = checkout.place_order(
        festival=live_festival,
        buyer_name="Sylvia Pankhurst",
        buyer_email="sylvia@example.org",
        lines=[orders.LineRequest(ticket_type_id=weekend.pk, quantity=1)],
        attendee_names=["Sylvia Pankhurst"],
    )
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id, sync=True)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def test_an_organiser_postpones_and_the_buyer_takes_the_refund(
    open_browser, groups, live_festival, paid_order, stripe_emulator
):
    organiser = get_user_model().objects.create_user("olu", "olu@festival.invalid")
    organiser.groups.add(groups[roles.ORGANISER])
    today = timezone.localdate()
    new_start, deadline = today + timedelta(days=30), today + timedelta(days=20)

    admin = open_browser(viewport=LAPTOP, user=organiser).new_page()
    admin.goto(reverse("festival_postpone", args=[live_festival.pk]))
    admin.get_by_label("New first day").fill(new_start.isoformat())
    admin.get_by_label("New last day").fill((new_start + timedelta(days=2)).isoformat())
    admin.get_by_label("Refunds open until").fill(deadline.isoformat())
    admin.get_by_label("Move every session by the same number of days").check()
    admin.get_by_role("button", name="Review the postponement").click()
    admin.get_by_text("1 ticket holder gets an email.").wait_for()
    admin.get_by_role("button", name="Postpone the edition").click()
    admin.get_by_text("is postponed and every ticket holder is being emailed").wait_for()

    buyer = open_browser().new_page()
    buyer.goto(reverse("ticketing:order", args=[paid_order.access_token]))
    box = buyer.get_by_role("region", name="The festival is postponed")
    box.get_by_text("Postponed: you can have your money back until").wait_for()
    assert_accessible(buyer)
    box.get_by_role("button", name="Refund my whole order").click()
    buyer.get_by_text("Your refund is on its way").wait_for()

    live_festival.refresh_from_db()
    paid_order.refresh_from_db()
    refunds = [
        (refund["amount"], refund["status"])
        for refund in stripe_emulator.emulator.state.refunds.values()
        if refund["payment_intent"] == paid_order.stripe_payment_intent_id
    ]
    assert live_festival.start_date == new_start
    assert OutgoingEmail.objects.filter(key__startswith="postponement:", to="sylvia@example.org").count() == 1
    assert refunds == [(3500, "succeeded")]
    assert paid_order.refunded_amount == 3500
    assert paid_order.tickets.get().status == Ticket.Status.REFUNDED
    assert buyer.get_by_role("button", name="Refund my whole order").count() == 0
