"""Refunds and cancellations by organisers, through Stripe's refunds API, kept in the ledger.

A refund is written first: one transaction locks the order, claims its tickets (VALID ->
REFUNDED, so two organisers clicking at once cannot refund a ticket twice), counts the amount
on the order and writes a ``Refund`` in state "created". Only then is Stripe asked, with the
refund's own idempotency key. Stripe's answer settles it: succeeded gives the places back and
tells the buyer; a refusal fails it and makes the tickets valid again; no answer (an outage)
leaves it "sent". A refund left "created" or "sent" (no answer, or a worker killed between the
claim and the call) is asked again by the sweep with the same key, so Stripe never pays twice
and the places are given back exactly once, by whichever attempt settles it.

A refund made in Stripe's dashboard reaches us as a ``charge.refunded`` event, which
``record_stripe_refund`` takes in.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ticketing import audit, signals, stripe_gateway
from ticketing.ledger import OPEN_STATES, LedgerState, MadeBy
from ticketing.models import Order, Refund, Ticket

from . import capacity, orders
from .errors import ShopError
from .outcomes import Outcome

log = logging.getLogger(__name__)

# The sweep leaves a refund this long after its last attempt, so it does not race a request in flight.
RETRY_AFTER = timedelta(seconds=60)


def refund_amount(*, order: Order, ticket_ids: list[int], include_donation: bool = False) -> int:
    """What refunding these valid tickets would give back now, for a confirmation page. Raises ShopError."""
    tickets = list(Ticket.objects.filter(order=order, pk__in=set(ticket_ids), status=Ticket.Status.VALID))
    return _amount(order, tickets, set(ticket_ids), include_donation)


def _amount(order: Order, tickets: list[Ticket], ticket_ids: set[int], include_donation: bool) -> int:
    if not ticket_ids or order.status != Order.Status.PAID or len(tickets) != len(ticket_ids):
        raise ShopError("not_refundable")
    left = order.total - order.refunded_amount
    remaining_valid = Ticket.objects.filter(order=order, status=Ticket.Status.VALID).exclude(pk__in=ticket_ids)
    if not remaining_valid.exists():
        amount = left  # the last tickets take the donation, and anything else left, with them
    else:
        amount = sum(t.price for t in tickets)
        if include_donation and not _donation_refunded(order):
            amount += order.donation
    if amount > left:
        raise ShopError("refund_too_large", amount=orders.pounds(amount), left=orders.pounds(left))
    if amount and not order.stripe_payment_intent_id:
        raise ShopError("not_refundable")
    return amount


def _donation_refunded(order: Order) -> bool:
    return order.refunds.filter(includes_donation=True).exclude(state=LedgerState.FAILED).exists()


def refund_tickets(
    *, order: Order, ticket_ids: list[int], include_donation: bool = False, user=None, reason: str = ""
) -> Refund:
    """Refund these paid tickets of ``order`` (and its donation, with ``include_donation`` or its last
    tickets). Answers the refund: succeeded, or still "sent" when Stripe did not answer (the sweep
    asks again). Raises ShopError not_refundable, refund_too_large, or refund_failed (Stripe refused;
    nothing changed)."""
    refund = _claim(order=order, ticket_ids=set(ticket_ids), include_donation=include_donation,
                    user=user, reason=reason)  # fmt: skip
    refund = send_refund(refund=refund)
    if refund.state == LedgerState.FAILED:
        raise ShopError("refund_failed", detail=refund.failure)
    return refund


def refund_order(*, order: Order, user=None, reason: str = "") -> Refund:
    """Refund every paid ticket and the donation. Raises as ``refund_tickets``."""
    ids = list(Ticket.objects.filter(order=order, status=Ticket.Status.VALID).values_list("pk", flat=True))
    return refund_tickets(order=order, ticket_ids=ids, include_donation=True, user=user, reason=reason)


def _claim(*, order: Order, ticket_ids: set[int], include_donation: bool, user, reason: str) -> Refund:
    """Lock the order, claim the tickets and write the refund, in one transaction. Raises ShopError."""
    now = timezone.now()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        tickets = list(Ticket.objects.filter(order=locked, pk__in=ticket_ids, status=Ticket.Status.VALID))
        amount = _amount(locked, tickets, ticket_ids, include_donation)
        last = not Ticket.objects.filter(order=locked, status=Ticket.Status.VALID).exclude(pk__in=ticket_ids).exists()
        Ticket.objects.filter(pk__in=ticket_ids, status=Ticket.Status.VALID).update(
            status=Ticket.Status.REFUNDED, updated_at=now
        )
        Order.objects.filter(pk=locked.pk).update(refunded_amount=F("refunded_amount") + amount, updated_at=now)
        refund = Refund.objects.create(
            order=locked,
            amount=amount,
            includes_donation=bool(locked.donation) and (last or include_donation),
            currency=locked.currency,
            made_by=MadeBy.STAFF if user is not None else MadeBy.BUYER,
            created_by=user,
            reason=reason[:200],
            stripe_payment_intent_id=locked.stripe_payment_intent_id,
            idempotency_key=f"refund-{locked.code}-{now.timestamp():.6f}-{min(ticket_ids)}",
        )
        refund.tickets.set(tickets)
        audit.record(locked, "ticketing.order.refund_claimed", user=user, refund=refund.pk,
                     amount=amount, tickets=sorted(ticket_ids))  # fmt: skip
    return refund


def send_refund(*, refund: Refund) -> Refund:
    """Ask Stripe for an open refund (again, with the same key) and settle it by the answer; answers the
    refund as it now stands. Raises nothing."""
    now = timezone.now()
    if not Refund.objects.filter(pk=refund.pk, state__in=OPEN_STATES).update(
        state=LedgerState.SENT, attempts=F("attempts") + 1, updated_at=now
    ):
        return Refund.objects.get(pk=refund.pk)
    if refund.amount == 0:
        _settle(refund, stripe_refund_id="")
        return Refund.objects.get(pk=refund.pk)
    try:
        answer = stripe_gateway.refund(
            payment_intent=refund.stripe_payment_intent_id,
            amount=refund.amount,
            idempotency_key=refund.idempotency_key,
            metadata={"order_code": refund.order.code, "refund": str(refund.pk)},
        )
    except stripe_gateway.PaymentProviderError as exc:
        if exc.retryable:
            log.warning("refund %s of %s: Stripe did not answer; the sweep will ask again", refund.pk, refund.order)
        else:
            log.warning("refund %s of %s refused: %s", refund.pk, refund.order, exc.message)
            _fail(refund, failure=exc.message or exc.code)
        return Refund.objects.get(pk=refund.pk)
    _settle(refund, stripe_refund_id=str(answer.get("id", "")))
    return Refund.objects.get(pk=refund.pk)


def _settle(refund: Refund, *, stripe_refund_id: str) -> None:
    """The refund went through: record it, and (once, whoever gets here first) give its places back."""
    now = timezone.now()
    with transaction.atomic():
        if not Refund.objects.filter(pk=refund.pk, state__in=OPEN_STATES).update(
            state=LedgerState.SUCCEEDED, stripe_refund_id=stripe_refund_id, finished_at=now, updated_at=now
        ):
            return
        order = Order.objects.select_for_update().get(pk=refund.order_id)
        ticket_ids = list(refund.tickets.values_list("pk", flat=True))
        capacity.release_tickets(ticket_ids)
        if not Ticket.objects.filter(order=order, status=Ticket.Status.VALID).exists():
            Order.objects.filter(pk=order.pk, status=Order.Status.PAID).update(
                status=Order.Status.REFUNDED, updated_at=now
            )
        capacity.announce_freed(order.festival_id)
        audit.record(order, "ticketing.order.refunded", user=refund.created_by, by=refund.made_by,
                     refund=refund.pk, amount=refund.amount, tickets=ticket_ids)  # fmt: skip
        transaction.on_commit(lambda: signals.refund_succeeded.send(sender=Refund, refund_id=refund.pk))
    log.info("refunded %s pence of order %s (refund %s)", refund.amount, order.code, refund.pk)


def _fail(refund: Refund, *, failure: str) -> None:
    """Stripe refused: the refund failed, its tickets admit again and the order no longer counts it."""
    now = timezone.now()
    with transaction.atomic():
        if not Refund.objects.filter(pk=refund.pk, state__in=OPEN_STATES).update(
            state=LedgerState.FAILED, failure=failure[:300], finished_at=now, updated_at=now
        ):
            return
        order = Order.objects.select_for_update().get(pk=refund.order_id)
        ticket_ids = list(refund.tickets.values_list("pk", flat=True))
        Ticket.objects.filter(pk__in=ticket_ids, status=Ticket.Status.REFUNDED).update(
            status=Ticket.Status.VALID, updated_at=now
        )
        Order.objects.filter(pk=order.pk).update(refunded_amount=F("refunded_amount") - refund.amount)
        audit.record(order, "ticketing.order.refund_failed", user=refund.created_by, by=refund.made_by,
                     refund=refund.pk, failure=failure[:300])  # fmt: skip


def retry_open_refunds(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """For the sweep: ask Stripe again about refunds left "created" or "sent" (no answer, or a worker
    stopped between the claim and the call). Answers how many ended in each state. Raises nothing."""
    now = now or timezone.now()
    results: dict[str, int] = {}
    stale = Refund.objects.filter(state__in=OPEN_STATES, updated_at__lt=now - RETRY_AFTER).select_related("order")
    for refund in stale.order_by("updated_at")[:limit]:
        state = send_refund(refund=refund).state
        key = f"refund_{state}"
        results[key] = results.get(key, 0) + 1
    return results


def cancel_order(*, order: Order, user=None) -> bool:
    """Cancel without moving money (complimentary tickets, or a pending order); raises nothing."""
    if order.status == Order.Status.PENDING:
        return orders.abandon_order(order=order, user=user)
    now = timezone.now()
    with transaction.atomic():
        if not Order.objects.filter(pk=order.pk, status=Order.Status.PAID).update(
            status=Order.Status.CANCELLED, updated_at=now
        ):
            return False
        ids = _valid_ids(order)
        _stop_admitting(order, ids, status=Ticket.Status.CANCELLED, now=now)
        audit.record(order, "ticketing.order.cancelled", user=user, tickets=ids)
    return True


def _valid_ids(order: Order) -> list[int]:
    return list(Ticket.objects.filter(order=order, status=Ticket.Status.VALID).values_list("pk", flat=True))


def _stop_admitting(order: Order, ticket_ids: list[int], *, status: str, now) -> None:
    """These tickets no longer admit (cancelled or refunded) and their places go back on sale,
    offered to the waiting list once committed. Call inside atomic()."""
    Ticket.objects.filter(pk__in=ticket_ids).update(status=status, updated_at=now)
    capacity.release_tickets(ticket_ids)
    capacity.announce_freed(order.festival_id)


def cancel_tickets(*, order: Order, ticket_ids: list[int], user=None) -> int:
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
        audit.record(locked, "ticketing.order.tickets_cancelled", user=user, tickets=ticket_ids)
    return len(ticket_ids)


def record_late_refund(order: Order, *, payment_intent: str, made_by: str) -> None:
    """The ledger's record of a late payment refunded whole (once, whoever records it first). Call inside atomic()."""
    now = timezone.now()
    refund, created = Refund.objects.get_or_create(
        idempotency_key=f"late-refund-{order.code}",
        defaults={"order": order, "amount": order.total, "currency": order.currency, "made_by": made_by,
                  "state": LedgerState.SUCCEEDED, "stripe_payment_intent_id": payment_intent, "finished_at": now,
                  "includes_donation": bool(order.donation), "reason": "Paid after the hold lapsed, no room left"},
    )  # fmt: skip
    if created:
        audit.record(order, "ticketing.order.refunded", by=made_by, refund=refund.pk, amount=order.total, late=True)


def record_stripe_refund(*, payment_intent: str, amount_refunded: int) -> Outcome:
    """Take in refunds made outside the site (in Stripe's dashboard), from the charge's refunds so far.

    Our own refunds count themselves before they ask Stripe, so their events change nothing,
    and as the figure is the charge's running total, a repeated or late event changes nothing
    either. A whole refund of a paid order refunds its tickets (the door then refuses them) and
    gives their places back; a part refund cannot say which tickets it was for, so the order is
    flagged ``refunded_in_stripe`` for an organiser. Either way the ledger gains a refund made in
    Stripe's dashboard for the difference. Answers what happened. Raises nothing.
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
        ticket_ids: list[int] = []
        if whole and order.status == Order.Status.PAID:
            ticket_ids = _valid_ids(order)
            _stop_admitting(order, ticket_ids, status=Ticket.Status.REFUNDED, now=now)
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
            record_late_refund(order, payment_intent=payment_intent, made_by=MadeBy.STRIPE)
            log.warning("order %s: late payment refunded in Stripe", order.code)
            return Outcome.REFUNDED
        else:
            Order.objects.filter(pk=order.pk).update(refunded_amount=amount, updated_at=now)
            Order.objects.filter(pk=order.pk, problem="").update(problem=Order.Problem.REFUNDED_IN_STRIPE)
            outcome = Outcome.FLAGGED
        refund = Refund.objects.create(
            order=order,
            amount=amount - order.refunded_amount,
            includes_donation=whole and bool(order.donation),
            currency=order.currency,
            state=LedgerState.SUCCEEDED,
            made_by=MadeBy.STRIPE,
            stripe_payment_intent_id=payment_intent,
            idempotency_key=f"stripe-{payment_intent}-{amount}",
            finished_at=now,
        )
        refund.tickets.set(ticket_ids)
        audit.record(order, "ticketing.order.refunded_in_stripe", by=MadeBy.STRIPE, refund=refund.pk,
                     amount=refund.amount, whole=whole, tickets=ticket_ids)  # fmt: skip
    log.warning("order %s: %s of %s pence refunded in Stripe (%s)", order.code, amount, order.total, outcome)
    return outcome
