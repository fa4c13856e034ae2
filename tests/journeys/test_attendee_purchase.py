"""Journey: an attendee buys two tickets on a phone, pays on the Stripe emulator's page, downloads the
badges, corrects a name, and gets the confirmation email with the badges attached."""

from pathlib import Path

import pytest
from django.core import mail

from door import checkin
from tests.browser import assert_accessible
from ticketing.models import Order, Ticket
from ticketing.services.orders import pounds

from .conftest import read_qr_codes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def door_says(festival, code: str) -> str:
    """What the door answers for a badge code right now."""
    from django.contrib.auth import get_user_model

    from festival.demo import DEMO_USERS  # noqa: F401 - the door user is seeded with the demo

    door = get_user_model().objects.get(username="door")
    return checkin.check_in(
        festival=festival, staff_id=door.pk, door="Main gate", nonce=code[:32] + "-j", code=code
    ).result


def test_attendee_buys_two_tickets_pays_downloads_badges_and_corrects_a_name(open_browser, demo):
    page = open_browser().new_page()

    # The edition page leads to the shop.
    page.goto(demo.url)
    page.get_by_role("link", name="Buy tickets").first.click()
    page.wait_for_selector("h1:has-text('Tickets')")
    assert_accessible(page)

    # One standard ticket and one on the sliding scale; the voucher by its own button.
    standard = page.get_by_label("How many Standard")
    solidarity = page.get_by_label("How many Solidarity")
    standard.fill("1")
    solidarity.fill("1")
    page.fill("#id_buyer_name", "Zoë Łukasik")
    page.fill("#id_buyer_email", "zoe@example.org")
    page.fill("#id_voucher", "union20")
    page.click("button:has-text('Apply voucher')")
    page.wait_for_selector("text=Voucher UNION20 applied: 20% off your tickets.")
    assert page.input_value("#id_buyer_name") == "Zoë Łukasik"
    assert page.get_by_label("How many Standard").input_value() == "1"
    page.get_by_label("What you will pay for each Solidarity ticket (£)").fill("12,50")
    page.click("button:has-text('Continue: name your attendees')")

    # The review step: prices, the discount, and a name for each ticket.
    page.wait_for_selector("h1:has-text('Check your order')")
    assert_accessible(page)
    summary = page.text_content("table.summary")
    assert "Voucher UNION20" in summary
    assert "1 × Solidarity (£12.50)" in summary
    assert page.input_value("#id_attendee_0") == "Zoë Łukasik"
    page.fill("#id_attendee_1", "Siân Ní Bhriain")
    page.click("button:has-text('securely with Stripe')")

    # The emulator's payment page, then back to the site.
    page.wait_for_selector("text=Test payment")
    page.click("button.pay")
    page.wait_for_selector("text=You're in. Thank you!")
    order = Order.objects.get(buyer_email="zoe@example.org")
    assert order.status == Order.Status.PAID
    page.click("text=Go to your order page")
    page.wait_for_selector(f"h1:has-text('Order {order.code}')")
    assert_accessible(page)

    # The order page sets out its money: each line, the voucher's discount and what was paid.
    money = " ".join(page.locator(".order-money table").inner_text().split())
    assert "1 × Standard" in money and "1 × Solidarity" in money
    assert "Discount: voucher UNION20" in money
    assert f"Total paid {pounds(order.total)}" in money

    # Each badge downloads, and its QR code is that ticket's secret.
    tickets = list(order.tickets.order_by("pk"))
    assert [t.attendee_name for t in tickets] == ["Zoë Łukasik", "Siân Ní Bhriain"]
    for ticket in tickets:
        with page.expect_download() as download:
            page.click(f"a[href$='/badges/{ticket.pk}.pdf']")
        pdf = Path(download.value.path()).read_bytes()
        assert read_qr_codes(pdf) == [ticket.secret]

    # The confirmation email came, with both badges attached.
    to_buyer = [m for m in mail.outbox if m.to == ["zoe@example.org"]]
    assert len(to_buyer) == 1
    attachments = [a for a in to_buyer[0].attachments if a[2] == "application/pdf"]
    assert len(attachments) == 2
    assert sorted(read_qr_codes(a[1])[0] for a in attachments) == sorted(t.secret for t in tickets)

    # Correct the second name: a new badge, and the old one stops admitting.
    second = tickets[1]
    old_secret = second.secret
    page.click("summary:has-text('Correct the name') >> nth=1")
    page.fill(f"#name-{second.pk}", "Siân Ní Bhriain-Jones")
    page.click(f"#name-{second.pk} >> xpath=ancestor::form//button")
    page.wait_for_selector("text=Badge reissued for Siân Ní Bhriain-Jones")
    assert_accessible(page)
    second.refresh_from_db()
    assert second.attendee_name == "Siân Ní Bhriain-Jones"
    assert second.status == Ticket.Status.VALID
    assert door_says(demo, old_secret) == "unknown_code"
    assert door_says(demo, second.secret) == "admitted"
