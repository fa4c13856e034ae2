"""Refunds and cancellations by organisers, through Stripe's refunds API.

A refund first claims its tickets in the database (VALID -> REFUNDED, guarded), so two
organisers clicking at once cannot refund the same ticket twice; then asks Stripe with an
idempotency key made from the tickets; then gives the capacity back. If Stripe refuses,
the claim is undone and nothing has changed.

A refund made in Stripe's dashboard reaches us as a ``charge.refunded`` event, which
``record_stripe_refund`` takes in.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ticketing import stripe_gateway
from ticketing.models import Order, Ticket

from . import capacity, orders
from .errors import ShopError
from .outcomes import Outcome

log = logging.getLogger(__name__)


def refund_tickets(*, order: Order, ticket_ids: list[int], include_donation: bool = False) -> int:
    """Refund these paid tickets of ``order``; answers the pence refunded. Raises ShopError."""
    ticket_ids = sorted(set(ticket_ids))
    if not ticket_ids:
        raise ShopError("not_refundable")
    now = timezone.now()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != Order.Status.PAID:
            raise ShopError("not_refundable")
        tickets = list(Ticket.objects.filter(order=locked, pk__in=ticket_ids, status=Ticket.Status.VALID))
        if len(tickets) != len(ticket_ids):
            raise ShopError("not_refundable")
        remaining_valid = Ticket.objects.filter(order=locked, status=Ticket.Status.VALID).count() - len(tickets)
        amount = sum(t.price for t in tickets)
        if include_donation or remaining_valid == 0:
            amount = locked.total - locked.refunded_amount  # the last tickets take the donation with them
        Ticket.objects.filter(pk__in=ticket_ids, status=Ticket.Status.VALID).update(
            status=Ticket.Status.REFUNDED, updated_at=now
        )
        Order.objects.filter(pk=locked.pk).update(refunded_amount=F("refunded_amount") + amount, updated_at=now)
    if amount > 0 and locked.stripe_payment_intent_id:
        try:
            stripe_gateway.refund(
                payment_intent=locked.stripe_payment_intent_id,
                amount=amount,
                idempotency_key=f"refund-{locked.code}-{'-'.join(map(str, ticket_ids))}",
                metadata={"order_code": locked.code, "tickets": ",".join(map(str, ticket_ids))},
            )
        except stripe_gateway.PaymentProviderError as exc:
            with transaction.atomic():
                Ticket.objects.filter(pk__in=ticket_ids, status=Ticket.Status.REFUNDED).update(
                    status=Ticket.Status.VALID, updated_at=timezone.now()
                )
                Order.objects.filter(pk=locked.pk).update(refunded_amount=F("refunded_amount") - amount)
            log.warning("refund of %s failed: %s", locked.code, exc.message)
            raise ShopError("refund_failed", detail=exc.message)
    with transaction.atomic():
        capacity.release_tickets(ticket_ids)
        if remaining_valid == 0:
            Order.objects.filter(pk=locked.pk, status=Order.Status.PAID).update(
                status=Order.Status.REFUNDED, updated_at=timezone.now()
            )
        capacity.announce_freed(locked.festival_id)
    log.info("refunded %s pence of order %s (tickets %s)", amount, locked.code, ticket_ids)
    return amount


def refund_order(*, order: Order) -> int:
    """Refund every paid ticket and the donation; answers the pence refunded. Raises ShopError."""
    ids = list(Ticket.objects.filter(order=order, status=Ticket.Status.VALID).values_list("pk", flat=True))
    return refund_tickets(order=order, ticket_ids=ids, include_donation=True)


def cancel_order(*, order: Order) -> bool:
    """Cancel without moving money (complimentary tickets, or a pending order); raises nothing."""
    if order.status == Order.Status.PENDING:
        return orders.abandon_order(order=order)
    now = timezone.now()
    with transaction.atomic():
        if not Order.objects.filter(pk=order.pk, status=Order.Status.PAID).update(
            status=Order.Status.CANCELLED, updated_at=now
        ):
            return False
        _stop_admitting(order, _valid_ids(order), status=Ticket.Status.CANCELLED, now=now)
    return True


def _valid_ids(order: Order) -> list[int]:
    return list(Ticket.objects.filter(order=order, status=Ticket.Status.VALID).values_list("pk", flat=True))


def _stop_admitting(order: Order, ticket_ids: list[int], *, status: str, now) -> None:
    """These tickets no longer admit (cancelled or refunded) and their places go back on sale,
    offered to the waiting list once committed. Call inside atomic()."""
    Ticket.objects.filter(pk__in=ticket_ids).update(status=status, updated_at=now)
    capacity.release_tickets(ticket_ids)
    capacity.announce_freed(order.festival_id)


def cancel_tickets(*, order: Order, ticket_ids: list[int]) -> int:
    """Cancel these valid tickets of a paid order without moving money (after a part refund made in
    Stripe's dashboard, say): the door refuses them and their places go back on sale; the order is
    cancelled with its last ticket. Answers how many were cancelled. Raises ShopError not_cancellable."""
    ticket_ids = sorted(set(ticket_ids))
    now = timezone.now()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        tickets = Ticket.objects.filter(order=locked, pk__in=ticket_ids, status=Ticket.Status.VALID)
        if not ticket_ids or locked.status != Order.Status.PAID or tickets.count() != len(ticket_ids):
            raise ShopError("not_cancellable")
        _stop_admitting(locked, ticket_ids, status=Ticket.Status.CANCELLED, now=now)
        if not Ticket.objects.filter(order=locked, status=Ticket.Status.VALID).exists():
            Order.objects.filter(pk=locked.pk).update(status=Order.Status.CANCELLED, updated_at=now)
    return len(ticket_ids)


def record_stripe_refund(*, payment_intent: str, amount_refunded: int) -> Outcome:
    """Take in refunds made outside the site (in Stripe's dashboard), from the charge's refunds so far.

    Our own refunds count themselves before they ask Stripe, so their events change nothing,
    and as the figure is the charge's running total, a repeated or late event changes nothing
    either. A whole refund of a paid order refunds its tickets (the door then refuses them) and
    gives their places back; a part refund cannot say which tickets it was for, so the order is
    flagged ``refunded_in_stripe`` for an organiser. Answers what happened. Raises nothing.
    """
    if not payment_intent or amount_refunded <= 0:
        return Outcome.IGNORED
    now = timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(stripe_payment_intent_id=payment_intent).first()
        if order is None or amount_refunded <= order.refunded_amount:
            return Outcome.IGNORED
        amount = min(amount_refunded, order.total)
        whole = amount >= order.total
        if whole and order.status == Order.Status.PAID:
            _stop_admitting(order, _valid_ids(order), status=Ticket.Status.REFUNDED, now=now)
            Order.objects.filter(pk=order.pk).update(
                status=Order.Status.REFUNDED, refunded_amount=amount, updated_at=now
            )
            outcome = Outcome.REFUNDED
        elif whole and order.problem in (Order.Problem.LATE_PAYMENT_NO_ROOM, Order.Problem.LATE_REFUND_FAILED):
            # A late payment with no room, refunded (by us, this event outrunning our own record of
            # it, or by hand after our refund failed): as if our refund had gone through.
            Order.objects.filter(pk=order.pk).update(
                status=Order.Status.REFUNDED,
                refunded_amount=amount,
                problem=Order.Problem.LATE_PAYMENT_NO_ROOM,
                updated_at=now,
            )
            outcome = Outcome.REFUNDED
        else:
            Order.objects.filter(pk=order.pk).update(refunded_amount=amount, updated_at=now)
            Order.objects.filter(pk=order.pk, problem="").update(problem=Order.Problem.REFUNDED_IN_STRIPE)
            outcome = Outcome.FLAGGED
    log.warning("order %s: %s of %s pence refunded in Stripe (%s)", order.code, amount, order.total, outcome)
    return outcome
