"""Journey: a buyer walks away from the payment page and cancels the unpaid order, which frees the last
place; someone on the waiting list is offered it by email and buys it through the offer link."""

import re

import pytest
from django.core import mail

from tests.browser import assert_accessible
from ticketing.models import Order, TicketType, WaitingListEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def buy_one_standard(page, *, name: str, email: str) -> None:
    """From the shop's first step to the emulator's payment page, for one Standard ticket."""
    page.get_by_label("How many Standard").fill("1")
    page.fill("#id_buyer_name", name)
    page.fill("#id_buyer_email", email)
    page.click("button:has-text('Continue: name your attendees')")
    page.wait_for_selector("h1:has-text('Check your order')")
    page.click("button:has-text('securely with Stripe')")
    page.wait_for_selector("text=Test payment")


def test_abandoned_payment_cancelled_frees_the_last_place_for_the_waiting_list(open_browser, demo):
    # Every public ticket is taken but one Standard place (the organisers set the capacities).
    public = TicketType.objects.filter(festival=demo, is_hidden=False, is_complimentary=False)
    for ticket_type in public:
        ticket_type.capacity = ticket_type.reserved + (1 if ticket_type.name == "Standard" else 0)
        ticket_type.save(update_fields=["capacity"])
    standard = public.get(name="Standard")
    shop_url = f"/tickets/{demo.slug}/"

    # A buyer takes the last place to the payment page, then thinks better of it.
    buyer = open_browser().new_page()
    buyer.goto(shop_url)
    buy_one_standard(buyer, name="Sylvia Pankhurst", email="sylvia@example.org")
    buyer.click("text=Cancel and go back")
    buyer.wait_for_selector("text=You left the payment page before paying")
    assert_accessible(buyer)
    order = Order.objects.get(buyer_email="sylvia@example.org")
    assert order.status == Order.Status.PENDING
    assert TicketType.objects.get(pk=standard.pk).reserved == standard.capacity

    # Meanwhile the shop is sold out, and someone joins the waiting list.
    waiting = open_browser().new_page()
    waiting.goto(shop_url)
    waiting.wait_for_selector("h2:has-text('Sold out: join the waiting list')")
    assert_accessible(waiting)
    waiting.fill("#id_name", "Annie Kenney")
    waiting.fill("#id_email", "annie@example.org")
    waiting.fill("#id_quantity", "1")
    waiting.click("button:has-text('Join the waiting list')")
    waiting.wait_for_selector("text=You're on the waiting list")
    assert WaitingListEntry.objects.get(email="annie@example.org").status == WaitingListEntry.Status.WAITING

    # The buyer cancels the unpaid order: the place goes back on sale, and is offered by email.
    buyer.click("button:has-text('Cancel this order')")
    buyer.wait_for_selector("text=Your order is cancelled and nothing was charged")
    assert_accessible(buyer)
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    entry = WaitingListEntry.objects.get(email="annie@example.org")
    assert entry.status == WaitingListEntry.Status.OFFERED
    offer_mail = [m for m in mail.outbox if m.to == ["annie@example.org"]]
    assert len(offer_mail) == 1
    offer_link = re.search(r"https?://\S+\?offer=\S+", offer_mail[0].body).group(0)

    # The link from the email opens the shop with the place kept for them; they buy it.
    waiting.goto(offer_link)
    waiting.wait_for_selector("text=Tickets are waiting for you from the waiting list")
    assert_accessible(waiting)
    buy_one_standard(waiting, name="Annie Kenney", email="annie@example.org")
    waiting.click("button.pay")
    waiting.wait_for_selector("text=You're in. Thank you!")
    bought = Order.objects.get(buyer_email="annie@example.org")
    assert bought.status == Order.Status.PAID
    assert WaitingListEntry.objects.get(pk=entry.pk).status == WaitingListEntry.Status.BOUGHT
    assert TicketType.objects.get(pk=standard.pk).reserved == standard.capacity
