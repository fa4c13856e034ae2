"""Checkout, the top of the shop's services: hold an order's tickets, then open its Stripe Checkout Session.

Above ``orders`` (the hold) and ``payments`` (a free order is fulfilled at once); imported by
the views and the demo, never by another service.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from festival.models import FestivalPage
from ticketing import stripe_gateway
from ticketing.ledger import LedgerState
from ticketing.models import Order, Payment, WaitingListEntry
from ticketing.names import clean_name

from . import attendees, capacity, orders, payments
from .errors import ShopError

log = logging.getLogger(__name__)

# Stripe's shortest Checkout Session lasts 30 minutes; ours lasts a minute longer so clock
# skew never makes Stripe refuse it, and the hold outlives the session by a grace period
# so a payment completed in the session's last second still finds its tickets held.
SESSION_MINUTES = 31
HOLD_GRACE_MINUTES = 5


def place_order(
    *,
    festival: FestivalPage,
    buyer_name: str,
    buyer_email: str,
    lines: list[orders.LineRequest],
    attendee_names: list[str],
    attendee_details: list[dict] | None = None,
    region_group: str = "",
    donation: int = 0,
    voucher_code: str = "",
    offer_token: str = "",
    now: datetime | None = None,
    snapshot: capacity.Stock | None = None,
) -> Order:
    """Hold tickets and open payment (or fulfil a free order at once); raises ShopError.

    The buyer's and attendees' names are cleaned as every name is (``ticketing.names``).
    ``attendee_details`` gives, per ticket, the attendee's ``email``, ``pronouns`` and consented
    access ``needs`` (a dict, or None); without it, the first ticket carries the buyer's email.

    ``snapshot`` may pass the edition's stock when the caller has just read it.
    """
    now = now or timezone.now()
    snapshot = snapshot or capacity.stock(festival, now)
    quote = orders.quote_order(
        festival=festival, lines=lines, donation=donation, voucher_code=voucher_code, now=now, snapshot=snapshot
    )
    buyer_name = clean_name(buyer_name)
    if not buyer_name:
        raise ShopError("name_needed")
    names = [clean_name(n) for n in attendee_names]
    if len(names) != quote.quantity or not all(names):
        raise ShopError("names_needed")
    offer = None
    if offer_token:
        offer = WaitingListEntry.objects.open_offer(offer_token, festival, now)
        if offer is None:
            raise ShopError("offer_invalid")
    elif snapshot.promised and quote.quantity > snapshot.public_left:
        # Released tickets are promised to the waiting list first, in the order people joined.
        first = quote.lines[0].ticket_type
        raise ShopError("sold_out", name=first.name, left=max(snapshot.public_left, 0))
    session_expires = now + timedelta(minutes=SESSION_MINUTES)
    fields = {
        "festival": festival,
        "buyer_name": buyer_name,
        "buyer_email": buyer_email.strip(),
        "donation": quote.donation,
        "total": quote.total,
        "discount": quote.discount,
        "voucher": quote.voucher,
        "currency": payments.currency(),
        "hold_expires_at": session_expires + timedelta(minutes=HOLD_GRACE_MINUTES),
    }
    details = attendees.clean_details(attendee_details, count=len(names), buyer_email=fields["buyer_email"])
    order = orders.hold_order(fields=fields, quote=quote, names=names, region_group=region_group, offer=offer, now=now,
                              details=details)  # fmt: skip
    if order.total == 0:
        payments.fulfil_order(order=order, payment_intent="", amount_paid=0)
        order.refresh_from_db()
        return order
    try:
        open_checkout(order=order, quote=quote, expires_at=session_expires)
    except ShopError:
        orders.release_hold(order=order, to_status=Order.Status.CANCELLED)
        raise
    return order


def open_checkout(*, order: Order, quote: orders.Quote, expires_at: datetime) -> None:
    """Create the order's Checkout Session and remember it; raises ShopError payment_unavailable."""
    if quote.discount:
        items = [{"name": f"Tickets, order {order.code} (voucher applied)", "quantity": 1,
                  "unit_amount": quote.subtotal - quote.discount}]  # fmt: skip
    else:
        items = [
            {"name": line.ticket_type.name, "quantity": line.quantity, "unit_amount": line.unit_amount}
            for line in quote.lines
        ]
    if quote.donation:
        items.append({"name": "Donation to the festival", "quantity": 1, "unit_amount": quote.donation})
    items = [item for item in items if item["unit_amount"] > 0]
    order_path = orders.order_url(order)
    try:
        session = stripe_gateway.create_checkout_session(
            line_items=items,
            currency=order.currency,
            customer_email=order.buyer_email,
            client_reference_id=str(order.pk),
            metadata={"order_code": order.code, "order_id": str(order.pk)},
            success_url=_absolute(reverse("ticketing:order_confirmed", kwargs={"token": order.access_token}))
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=_absolute(order_path + "?cancelled=1"),
            expires_at=int(expires_at.timestamp()),
            idempotency_key=f"checkout-{order.code}",
        )
    except stripe_gateway.PaymentProviderError as exc:
        log.warning("checkout for %s failed: %s %s", order.code, exc.code, exc.message)
        raise ShopError("payment_unavailable")  # the caller releases the hold, which fails the payment
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(stripe_checkout_session_id=session.id, stripe_checkout_url=session.url)
        Payment.objects.filter(order=order, state=LedgerState.CREATED).update(
            state=LedgerState.SENT, stripe_checkout_session_id=session.id
        )
    order.stripe_checkout_session_id = session.id
    order.stripe_checkout_url = session.url


def _absolute(path: str) -> str:
    return settings.SITE_URL + path
