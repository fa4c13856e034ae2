"""Payment: fulfilling once, late payments, webhooks and the periodic sweep (opening Checkout is ``checkout``'s).

``fulfil_order`` is the one way an order becomes paid. The webhook and the success page
both call it; a guarded UPDATE (``WHERE status = 'pending'``) lets exactly one caller
win, and only the winner queues the confirmation email.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ticketing import audit, signals, stripe_gateway
from ticketing.ledger import LedgerState, MadeBy
from ticketing.models import Order, Payment, Ticket

from . import orders, refunds, waiting_list
from .outcomes import Outcome

log = logging.getLogger(__name__)

DELAYED_PAYMENT_HOLD = timedelta(days=5)
ORDER_ID = re.compile(r"[0-9]{1,18}")  # our client_reference_id: an order's pk, ASCII digits within a bigint


def currency() -> str:
    return settings.STRIPE_CURRENCY


def _payment_succeeded(order: Order, *, payment_intent: str, now: datetime) -> None:
    """Record in the ledger that the order's payment went through (also a late one, whose payment the
    lapsed hold had marked failed). An order paid before the ledger gains its record. Call inside atomic()."""
    if not order.total:
        return
    fields = {"state": LedgerState.SUCCEEDED, "stripe_payment_intent_id": payment_intent, "finished_at": now}
    latest = Payment.objects.filter(order_id=order.pk).exclude(state=LedgerState.SUCCEEDED).order_by("-pk")[:1]
    if not Payment.objects.filter(pk__in=latest).update(updated_at=now, **fields):
        Payment.objects.create(
            order_id=order.pk,
            amount=order.total,
            currency=order.currency,
            stripe_checkout_session_id=order.stripe_checkout_session_id,
            **fields,
        )


def _announce_paid(order_id: int) -> None:
    """Once committed, announce the order paid (``ticketing.receivers`` queues its confirmation email)."""
    transaction.on_commit(lambda: signals.order_paid.send(sender=Order, order_id=order_id))


def fulfil_order(*, order: Order, payment_intent: str, amount_paid: int) -> Outcome:
    """Mark a paid order paid exactly once and queue its email; answers what happened. Raises nothing."""
    if amount_paid != order.total:
        log.error("order %s: paid %s but total is %s", order.code, amount_paid, order.total)
        Order.objects.filter(pk=order.pk, problem="").update(problem=Order.Problem.AMOUNT_MISMATCH)
        return Outcome.NOT_PAID
    # The right amount, paid: an earlier report of another amount no longer needs a person.
    Order.objects.filter(pk=order.pk, problem=Order.Problem.AMOUNT_MISMATCH).update(problem="")
    now = timezone.now()
    with transaction.atomic():
        won = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            status=Order.Status.PAID, paid_at=now, stripe_payment_intent_id=payment_intent, updated_at=now
        )
        if won:
            Ticket.objects.filter(order_id=order.pk, status=Ticket.Status.PENDING).update(
                status=Ticket.Status.VALID, updated_at=now
            )
            _payment_succeeded(order, payment_intent=payment_intent, now=now)
            audit.record(order, "ticketing.order.paid", by=MadeBy.BUYER, amount=amount_paid)
            _announce_paid(order.pk)
            log.info("order %s paid", order.code)
            return Outcome.FULFILLED
    current = Order.objects.get(pk=order.pk)
    if _was_paid(current) or current.status == Order.Status.REFUNDED:
        return Outcome.ALREADY_PAID
    return _late_payment(current, payment_intent=payment_intent, now=now)


def _was_paid(order: Order) -> bool:
    """Paid once: a repeated event for it changes nothing, even if staff cancelled or refunded it since."""
    return order.status == Order.Status.PAID or order.paid_at is not None


def _late_payment(order: Order, *, payment_intent: str, now: datetime) -> Outcome:
    """A payment for a never-paid order whose hold lapsed: honour it if there is room, else refund it once."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if _was_paid(locked):
            return Outcome.ALREADY_PAID
        if locked.status in (Order.Status.EXPIRED, Order.Status.CANCELLED) and not locked.problem:
            if orders.retake_capacity(locked):
                Order.objects.filter(pk=locked.pk).update(
                    status=Order.Status.PAID, paid_at=now, stripe_payment_intent_id=payment_intent, updated_at=now
                )
                Ticket.objects.filter(order=locked, status=Ticket.Status.CANCELLED).update(
                    status=Ticket.Status.VALID, updated_at=now
                )
                _payment_succeeded(locked, payment_intent=payment_intent, now=now)
                audit.record(locked, "ticketing.order.paid_late", by=MadeBy.BUYER, amount=locked.total)
                _announce_paid(locked.pk)
                log.warning("order %s paid after its hold lapsed; there was room, so honoured", locked.code)
                return Outcome.LATE_HONOURED
            Order.objects.filter(pk=locked.pk).update(
                problem=Order.Problem.LATE_PAYMENT_NO_ROOM, stripe_payment_intent_id=payment_intent, updated_at=now
            )
            _payment_succeeded(locked, payment_intent=payment_intent, now=now)
        elif locked.problem not in (Order.Problem.LATE_PAYMENT_NO_ROOM, Order.Problem.LATE_REFUND_FAILED):
            return Outcome.IGNORED
    return _refund_late_payment(order, payment_intent=payment_intent)


def _refund_late_payment(order: Order, *, payment_intent: str) -> Outcome:
    """Refund a late payment that found no room, whole and once; on failure flag it for the sweep. Raises nothing."""
    # Outside any transaction. The key makes every attempt after the first a replay.
    try:
        stripe_gateway.refund(
            payment_intent=payment_intent,
            amount=order.total,
            idempotency_key=f"late-refund-{order.code}",
            metadata={"order_code": order.code, "reason": "late_payment_no_room"},
        )
    except stripe_gateway.PaymentProviderError as exc:
        if exc.code != "charge_already_refunded":
            log.error("late refund of %s failed, the sweep will retry it: %s", order.code, exc.message)
            Order.objects.filter(pk=order.pk, refunded_amount=0).update(
                problem=Order.Problem.LATE_REFUND_FAILED, updated_at=timezone.now()
            )
            return Outcome.LATE_REFUND_FAILED
        # Refunded already, by hand in Stripe's dashboard: the buyer has their money; stop retrying.
    with transaction.atomic():
        if Order.objects.filter(pk=order.pk, refunded_amount=0).update(
            refunded_amount=order.total,
            status=Order.Status.REFUNDED,
            problem=Order.Problem.LATE_PAYMENT_NO_ROOM,
            updated_at=timezone.now(),
        ):
            refunds.record_late_refund(order, payment_intent=payment_intent, made_by=MadeBy.SITE)
    log.warning("order %s paid after its hold lapsed with no room left; refunded", order.code)
    return Outcome.LATE_REFUNDED


def _unrefunded_late_payments():
    """Late payments flagged for a refund that has not gone through (it failed, or was cut short)."""
    return Order.objects.filter(
        problem__in=(Order.Problem.LATE_PAYMENT_NO_ROOM, Order.Problem.LATE_REFUND_FAILED), refunded_amount=0
    ).exclude(stripe_payment_intent_id="")


def _order_for_session(session: stripe_gateway.CheckoutSession) -> Order | None:
    order = Order.objects.filter(stripe_checkout_session_id=session.id).first()
    if order is None and ORDER_ID.fullmatch(session.client_reference_id):
        order = Order.objects.filter(pk=int(session.client_reference_id)).first()
        if order and order.code != session.metadata.get("order_code"):
            return None
    return order


def handle_event(event: dict) -> Outcome:
    """Act on one verified Stripe event; duplicates and stale events do no harm. Raises nothing.

    ``event`` is as ``stripe_gateway.construct_event`` read it (a string type, an object
    ``data.object``). An event whose object's fields are not as Stripe sends them is ignored and
    logged, not refused: answered with an error, Stripe would send the same event again for days.
    """
    kind, obj = event["type"], event["data"]["object"]
    if kind == "charge.refunded":  # a refund, ours or one made in Stripe's dashboard
        refund = stripe_gateway.refund_from_event(obj)
        if refund is None:
            log.warning("event %s ignored: its charge is not shaped as Stripe sends one", kind)
            return Outcome.IGNORED
        return refunds.record_stripe_refund(
            payment_intent=refund.payment_intent, amount_refunded=refund.amount_refunded
        )
    if not kind.startswith("checkout.session."):
        return Outcome.IGNORED
    session = stripe_gateway.session_from_event(obj)
    if session is None:
        log.warning("event %s ignored: its session is not shaped as Stripe sends one", kind)
        return Outcome.IGNORED
    order = _order_for_session(session)
    if order is None:
        log.warning("event %s for unknown session %s", kind, session.id)
        return Outcome.IGNORED
    paid = session.payment_status == "paid"
    intent = session.payment_intent
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        if paid:
            return fulfil_order(order=order, payment_intent=intent, amount_paid=session.amount_total)
        # A delayed method (bank debit): keep the hold until it settles or fails.
        Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            hold_expires_at=timezone.now() + DELAYED_PAYMENT_HOLD, stripe_payment_intent_id=intent
        )
        return Outcome.NOT_PAID
    if kind in ("checkout.session.expired", "checkout.session.async_payment_failed"):
        released = orders.release_hold(order=order, to_status=Order.Status.EXPIRED)
        return Outcome.RELEASED if released else Outcome.IGNORED
    return Outcome.IGNORED


def confirm_from_success_page(*, order: Order, session_id: str) -> Outcome:
    """The success page's fallback: ask Stripe about the session and fulfil if paid. Raises nothing."""
    if order.status != Order.Status.PENDING or not session_id or session_id != order.stripe_checkout_session_id:
        return Outcome.IGNORED
    try:
        session = stripe_gateway.retrieve_checkout_session(session_id)
    except stripe_gateway.PaymentProviderError:
        return Outcome.IGNORED
    if session.status == "complete" and session.payment_status == "paid":
        return fulfil_order(order=order, payment_intent=session.payment_intent, amount_paid=session.amount_total)
    return Outcome.NOT_PAID


def sweep_lapsed_holds(*, now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """The periodic sweep: release holds whose time is up (closing their sessions first so they cannot
    be paid), retry late refunds that did not go through, and pass lapsed waiting-list offers on.
    Answers how many of each outcome. Raises nothing."""
    now = now or timezone.now()
    results: dict[str, int] = {}
    lapsed = list(Order.objects.lapsed(now).order_by("hold_expires_at")[:limit])
    for order in lapsed:
        outcome = _sweep_one(order)
        results[str(outcome)] = results.get(outcome, 0) + 1
    for order in _unrefunded_late_payments().order_by("updated_at")[:limit]:
        outcome = _refund_late_payment(order, payment_intent=order.stripe_payment_intent_id)
        results[str(outcome)] = results.get(outcome, 0) + 1
    results.update(refunds.retry_open_refunds(now=now, limit=limit))
    results.update((k, n) for k, n in waiting_list.pass_on_lapsed_offers(now=now).items() if n)
    return results


def _sweep_one(order: Order) -> Outcome:
    if order.stripe_checkout_session_id:
        try:
            session = _closed_session(order.stripe_checkout_session_id)
        except stripe_gateway.UnknownSession:
            # Stripe answered that it does not know the session: nobody can pay it, so it lapsed.
            log.warning("order %s: Stripe does not know its session; releasing its hold", order.code)
            return Outcome.RELEASED if orders.release_hold(order=order) else Outcome.IGNORED
        except stripe_gateway.PaymentProviderError:
            return Outcome.STRIPE_UNREACHABLE  # an outage: try again on the next sweep
        if session.status == "complete" and session.payment_status == "paid":
            return fulfil_order(order=order, payment_intent=session.payment_intent, amount_paid=session.amount_total)
        if session.status == "complete":
            Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
                hold_expires_at=timezone.now() + DELAYED_PAYMENT_HOLD
            )
            return Outcome.AWAITING_DELAYED_PAYMENT
    return Outcome.RELEASED if orders.release_hold(order=order) else Outcome.IGNORED


def _closed_session(session_id: str) -> stripe_gateway.CheckoutSession:
    """Expire the session, or, if it is no longer open, read how it ended; raises what the gateway raises."""
    try:
        return stripe_gateway.expire_checkout_session(session_id)
    except stripe_gateway.UnknownSession:
        raise
    except stripe_gateway.PaymentProviderError:
        return stripe_gateway.retrieve_checkout_session(session_id)  # complete or expired already
