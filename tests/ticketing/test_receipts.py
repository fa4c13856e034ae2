"""Receipts: an order bought and paid through the shop (voucher, donation, two ticket types), then
part-refunded, gives a PDF that names the festival's organisation and address, every line, the
discount, the donation, the refund and the net; an order never paid has none; the download is
private. And from a phone in Chromium the order page's link downloads it."""

import re

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from wagtail.models import Site

from festival.models import FestivalSettings
from ticketing.models import Order, Ticket, Voucher
from ticketing.services import refunds
from ticketing.services.errors import ShopError
from ticketing.services.receipts import render_receipt

from ..browser import PHONE
from ..downloads import disposition
from .helpers import place

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "Festival of Resistance Ltd\nUnit 4, 12 Cable Street\nLondon E1 8JG"


@pytest.fixture
def pay(stripe_emulator):
    """Pay a session through the emulator, delivering the webhook before answering."""

    def _pay(order):
        stripe_emulator.emulator.pay(order.stripe_checkout_session_id, sync=True)
        order.refresh_from_db()
        return order

    return _pay


@pytest.fixture
def organisation(home):
    settings = FestivalSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organisation_name = "Festival of Resistance Ltd"
    settings.organisation_address = "Unit 4, 12 Cable Street\nLondon E1 8JG"
    settings.receipt_note = "Not a VAT invoice. Registered charity 1234567."
    settings.save()
    return settings


@pytest.fixture
def paid_order(client, festival, standard, solidarity, live_site, organisation, pay):
    """Two Standard tickets (£35) and a Solidarity one at £12.50, 10% off with a voucher, £5 donated: paid."""
    Voucher.objects.create(festival=festival, code="UNION", percent_off=10, max_uses=10)
    _, order = place(
        client,
        festival,
        standard,
        2,
        voucher="UNION",
        donation="5",
        names=["Sun Yat-sen 孫逸仙", "Ada Lovelace", "محمد عبد الرحمن"],
        **{f"qty_{solidarity.pk}": "1", f"amount_{solidarity.pk}": "12.50"},
    )
    return pay(order)


def pdf_text(data: bytes) -> str:
    """The PDF's text as a reader's copy and paste gives it, its lines' spaces collapsed."""
    document = pdfium.PdfDocument(data)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def receipt_url(order):
    return reverse("ticketing:order_receipt", kwargs={"token": order.access_token})


def test_the_paid_order_s_figures_are_what_the_receipt_adds_up(paid_order):
    prices = sorted(paid_order.tickets.values_list("price", flat=True))

    assert paid_order.status == Order.Status.PAID
    assert prices == [1125, 3150, 3150]  # the £8.25 discount shared out over £82.50 of tickets
    assert (paid_order.discount, paid_order.donation, paid_order.total) == (825, 500, 7925)


def test_a_receipt_lists_the_lines_discount_donation_refund_and_net(paid_order):
    ada = Ticket.objects.get(order=paid_order, attendee_name="Ada Lovelace")
    refunds.refund_tickets(order=paid_order, ticket_ids=[ada.pk])
    paid_order.refresh_from_db()

    text = pdf_text(render_receipt(order=paid_order))

    payment = paid_order.payments.get()
    assert "Festival of Resistance Ltd" in text
    assert "Unit 4, 12 Cable Street" in text and "London E1 8JG" in text
    assert f"Receipt number {paid_order.code}" in text
    assert "Rosa Luxemburg" in text and "rosa@example.org" in text
    assert "Solidarity ticket\nSun Yat-sen 孫逸仙\n1 £11.25 £11.25\n" in text
    assert re.search(r"\nStandard ticket\n.*Lovelace.*\n2 £31\.50 £63\.00\n", text)
    assert "Sun Yat-sen 孫逸仙" in text and "Ada Lovelace" in text and "محمد عبد الرحمن" in text
    assert "Donation to the festival 1 £5.00 £5.00" in text
    assert "Voucher UNION took £8.25 off the tickets' full price of £82.50." in text
    assert "Total paid £79.25" in text
    assert re.search(r"\n\d{1,2} \w+ 20\d\d Standard: Ada Lovelace −£31\.50\n", text)
    assert "Total refunded −£31.50" in text
    assert "Net paid after refunds £47.75" in text
    assert "Card, through Stripe" in text
    assert f"Payment reference {payment.stripe_payment_intent_id}" in text
    assert "Currency GBP" in text
    assert "Not a VAT invoice. Registered charity 1234567." in text


def test_a_refund_stripe_has_not_answered_is_left_off_the_receipt(paid_order, stripe_emulator):
    ada = Ticket.objects.get(order=paid_order, attendee_name="Ada Lovelace")
    stripe_emulator.emulator.set_outage(503)
    try:
        refund = refunds.refund_tickets(order=paid_order, ticket_ids=[ada.pk])
    finally:
        stripe_emulator.emulator.set_outage(0)
    paid_order.refresh_from_db()

    text = pdf_text(render_receipt(order=paid_order))

    assert refund.state == refund.State.SENT
    assert paid_order.refunded_amount == 3150  # counted on the order, not yet through
    assert "REFUNDS" not in text
    assert "Total paid £79.25" in text
    assert "Net paid" not in text


@pytest.mark.parametrize("status", [Order.Status.PENDING, Order.Status.EXPIRED, Order.Status.CANCELLED])
def test_an_order_never_paid_has_no_receipt(client, festival, standard, stripe_emulator, status):
    _, order = place(client, festival, standard, 1)
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()

    with pytest.raises(ShopError) as refused:
        render_receipt(order=order)
    response = client.get(receipt_url(order))
    page = client.get(reverse("ticketing:order", kwargs={"token": order.access_token}))

    assert refused.value.code == "receipt_unavailable"
    assert response.status_code == 404
    assert "Download a receipt" not in page.text


def test_an_unknown_token_is_not_found(client, paid_order):
    response = client.get(reverse("ticketing:order_receipt", kwargs={"token": "x" * 43}))

    assert response.status_code == 404


def test_the_receipt_downloads_privately_under_its_order_code(client, paid_order):
    response = client.get(receipt_url(paid_order))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert disposition(response["Content-Disposition"]) == (
        "attachment",
        f"receipt-{paid_order.code}.pdf",
        f"receipt-{paid_order.code}.pdf",
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"


def test_a_wholly_refunded_order_still_has_its_receipt(client, paid_order):
    refunds.refund_order(order=paid_order)
    paid_order.refresh_from_db()

    page = client.get(reverse("ticketing:order", kwargs={"token": paid_order.access_token}))
    text = pdf_text(client.get(receipt_url(paid_order)).content)

    assert paid_order.status == Order.Status.REFUNDED
    assert "Download a receipt (PDF)" in page.text
    assert "Total refunded −£79.25" in text
    assert "Net paid after refunds £0.00" in text


@pytest.mark.browser
def test_a_phone_downloads_the_receipt_from_the_order_page(paid_order, open_browser, tmp_path):
    context = open_browser(viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    page.goto(reverse("ticketing:order", kwargs={"token": paid_order.access_token}))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download a receipt (PDF)").click()
    saved = tmp_path / "receipt.pdf"
    download_info.value.save_as(saved)

    assert download_info.value.suggested_filename == f"receipt-{paid_order.code}.pdf"
    assert "Net paid" not in pdf_text(saved.read_bytes())
    assert f"Receipt number {paid_order.code}" in pdf_text(saved.read_bytes())
