"""The order page's forms in headless Chromium, which sends an Origin header and obeys the page's referrer policy."""

import pytest
from django.urls import reverse

from ticketing.models import Order, Ticket

from .factories import TicketFactory
from .helpers import place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_correcting_a_name_from_the_browser_reissues_the_badge(chromium, live_server, festival):
    ticket = TicketFactory(ticket_type__festival=festival, attendee_name="Rosa Parks")
    old_secret = ticket.secret
    page = chromium.new_page()
    page.goto(live_server.url + reverse("ticketing:order", args=[ticket.order.access_token]))

    page.click("summary:has-text('Correct the name')")
    page.fill(f"#name-{ticket.pk}", "Rosa Louise Parks")
    with page.expect_navigation() as navigation:
        page.click("button:has-text('Save and reissue the badge')")
    status = navigation.value.status
    message = page.text_content(".messages")
    page.close()

    ticket.refresh_from_db()
    assert status == 200
    assert "Badge reissued for Rosa Louise Parks" in message
    assert ticket.attendee_name == "Rosa Louise Parks"
    assert ticket.secret != old_secret


def test_cancelling_an_unpaid_order_from_the_browser_gives_the_places_back(
    chromium, live_server, client, festival, standard, stripe_emulator
):
    _, order = place(client, festival, standard, 2, names=["Ella Baker", "Bayard Rustin"])
    page = chromium.new_page()
    page.goto(live_server.url + reverse("ticketing:order", args=[order.access_token]))

    with page.expect_navigation() as navigation:
        page.click("button:has-text('Cancel this order')")
    status = navigation.value.status
    message = page.text_content(".messages")
    page.close()

    order.refresh_from_db()
    standard.refresh_from_db()
    assert status == 200
    assert "Your order is cancelled" in message
    assert order.status == Order.Status.CANCELLED
    assert standard.reserved == 0
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}
