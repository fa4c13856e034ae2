"""An order's money, on its order page: each ticket line, the voucher's discount, the donation, what was
paid, the refunds in the ledger (done, or on their way; failed ones left out) and what is left."""

import pytest
from django.urls import reverse

from ticketing.ledger import LedgerState
from ticketing.models import Refund, Voucher
from ticketing.services import refunds
from ticketing.services.receipts import breakdown

from .helpers import place

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paid_order(client, festival, standard, solidarity, live_site, stripe_emulator):
    """Two Standard tickets (£35) and a Solidarity one at £12.50, 10% off with a voucher, £5 donated: paid."""
    Voucher.objects.create(festival=festival, code="UNION", percent_off=10, max_uses=10)
    _, order = place(
        client,
        festival,
        standard,
        2,
        voucher="UNION",
        donation="5",
        names=["Ada Lovelace", "Keir Hardie", "Sylvia Pankhurst"],
        **{f"qty_{solidarity.pk}": "1", f"amount_{solidarity.pk}": "12.50"},
    )
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id, sync=True)
    order.refresh_from_db()
    return order


def order_url(order):
    return reverse("ticketing:order", kwargs={"token": order.access_token})


def test_the_breakdown_adds_up_tickets_discount_donation_and_the_ledger_s_refunds(paid_order, standard):
    keir = paid_order.tickets.get(attendee_name="Keir Hardie")
    refund = refunds.refund_tickets(order=paid_order, ticket_ids=[keir.pk])

    money = breakdown(order=paid_order)

    assert [(line.ticket_type, line.quantity) for line in money.lines] == [("Solidarity", 1), ("Standard", 2)]
    assert sum(line.amount for line in money.lines) == paid_order.total - 500
    assert (money.full_price, money.discount, money.voucher_code) == (8250, 825, "UNION")
    assert (money.donation, money.total) == (500, 8250 - 825 + 500)
    assert [(r.amount, r.done) for r in money.refunds] == [(refund.amount, True)]
    assert "Keir Hardie" in money.refunds[0].covered
    assert (money.refunded, money.refunding, money.left) == (refund.amount, 0, money.total - refund.amount)


def test_a_refund_still_with_stripe_is_on_its_way_and_a_failed_one_is_left_out(paid_order):
    for key, state in (("sent", LedgerState.SENT), ("failed", LedgerState.FAILED)):
        Refund.objects.create(order=paid_order, amount=1000, state=state, idempotency_key=key)

    money = breakdown(order=paid_order)

    assert [(r.amount, r.done) for r in money.refunds] == [(1000, False)]
    assert (money.refunded, money.refunding, money.left) == (0, 1000, money.total)


def test_the_order_page_shows_the_lines_the_discount_the_donation_the_refund_and_what_is_left(client, paid_order):
    keir = paid_order.tickets.get(attendee_name="Keir Hardie")
    refund = refunds.refund_tickets(order=paid_order, ticket_ids=[keir.pk])

    text = " ".join(client.get(order_url(paid_order)).text.split())

    assert "Your order&#x27;s money" in text or "Your order's money" in text
    assert "2 × Standard" in text and "1 × Solidarity" in text
    assert "Discount: voucher UNION" in text and "−£8.25" in text
    assert 'Donation — thank you</th><td class="num">£5</td>' in text
    assert f'Total paid</th><td class="num">£{paid_order.total / 100:.2f}' in text
    assert "Refunded on" in text and "Standard: Keir Hardie" in text
    assert f'Paid, after refunds</th><td class="num">£{(paid_order.total - refund.amount) / 100:.2f}' in text
