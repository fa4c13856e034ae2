"""The ledger: every payment and refund a record with its state, Stripe ids, tickets and maker, and
a refund that survives Stripe's silence, Stripe's refusal and a worker killed half-way."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.processes import database_url
from ticketing import audit
from ticketing.ledger import LedgerState, MadeBy
from ticketing.models import Order, Payment, Refund, Ticket
from ticketing.services import orders, payments, refunds
from ticketing.services.errors import ShopError

from .factories import UserFactory
from .helpers import place, reserved


@pytest.fixture
def paid(client, festival, standard, live_site, stripe_emulator):
    """Place an order through the shop and pay it in the emulator, its webhook delivered."""

    def make(quantity=2, **extra):
        _, order = place(client, festival, standard, quantity, **extra)
        stripe_emulator.emulator.pay(order.stripe_checkout_session_id, sync=True)
        order.refresh_from_db()
        assert order.status == Order.Status.PAID
        return order

    return make


@pytest.fixture(autouse=True)
def _outage_ends(stripe_emulator):
    """The emulator is shared by the session: an outage a test starts ends with it, whatever happens."""
    yield
    stripe_emulator.emulator.set_outage(0)


def refund_in_stripe_dashboard(emulator, order, amount=None, *, webhook=True):
    """A refund made by hand in Stripe's dashboard; its charge.refunded event delivered before this
    answers, or (``webhook=False``) lost."""
    url, emulator.webhook_url = emulator.webhook_url, ""
    params = {"payment_intent": order.stripe_payment_intent_id} | ({"amount": amount} if amount else {})
    try:
        emulator.create_refund(params)
    finally:
        emulator.webhook_url = url
    if webhook:
        assert emulator.deliver(emulator.list_events(type_="charge.refunded")[-1]["id"]) == 200


def later(minutes=2):
    return timezone.now() + timedelta(minutes=minutes)


def test_a_paid_order_has_one_succeeded_payment_with_its_stripe_ids(paid):
    order = paid(2)

    payment = order.payments.get()
    assert (payment.amount, payment.state, payment.made_by) == (7000, LedgerState.SUCCEEDED, MadeBy.BUYER)
    assert payment.stripe_checkout_session_id == order.stripe_checkout_session_id
    assert payment.stripe_payment_intent_id == order.stripe_payment_intent_id
    assert payment.finished_at is not None
    assert list(payment.tickets) == list(order.tickets.all())


def test_a_hold_that_lapses_fails_its_payment(client, festival, standard, stripe_emulator):
    _, order = place(client, festival, standard, 1)

    orders.release_hold(order=order)

    payment = order.payments.get()
    assert (payment.state, payment.stripe_checkout_session_id) == (LedgerState.FAILED, order.stripe_checkout_session_id)


def test_a_checkout_stripe_cannot_open_leaves_a_failed_payment_and_no_hold(client, festival, standard, stripe_emulator):
    stripe_emulator.emulator.set_outage(503)

    response, order = place(client, festival, standard, 1)

    assert response.status_code == 409
    assert order.status == Order.Status.CANCELLED
    assert order.payments.get().state == LedgerState.FAILED
    assert reserved(standard) == 0


def test_a_refund_records_its_tickets_its_maker_and_stripe_s_id(paid, stripe_emulator):
    order = paid(2)
    first = order.tickets.order_by("pk").first()
    staff = UserFactory(username="box")

    refund = refunds.refund_tickets(order=order, ticket_ids=[first.pk], user=staff, reason="Can't come")

    refund.refresh_from_db()
    stripe_refund = stripe_emulator.emulator.get_refund(refund.stripe_refund_id)
    assert (refund.amount, refund.state, refund.made_by, refund.created_by) == (
        3500, LedgerState.SUCCEEDED, MadeBy.STAFF, staff)  # fmt: skip
    assert list(refund.tickets.all()) == [first]
    assert refund.reason == "Can't come"
    assert stripe_refund["amount"] == 3500
    assert refund.attempts == 1


def test_a_refund_stripe_does_not_answer_stays_sent_and_the_sweep_finishes_it(paid, standard, stripe_emulator):
    order = paid(2)
    first = order.tickets.order_by("pk").first()
    stripe_emulator.emulator.set_outage(503)

    refund = refunds.refund_tickets(order=order, ticket_ids=[first.pk])
    first.refresh_from_db()
    order.refresh_from_db()
    during = (refund.state, first.status, order.refunded_amount, reserved(standard))
    swept_in_outage = payments.sweep_lapsed_holds(now=later())
    stripe_emulator.emulator.set_outage(0)
    swept = payments.sweep_lapsed_holds(now=later())

    refund.refresh_from_db()
    intent = stripe_emulator.emulator.get_payment_intent(order.stripe_payment_intent_id)
    assert during == (LedgerState.SENT, Ticket.Status.REFUNDED, 3500, 2)  # claimed; the place not yet back
    assert swept_in_outage["refund_sent"] == 1
    assert swept["refund_succeeded"] == 1
    assert refund.state == LedgerState.SUCCEEDED
    assert intent["amount_refunded"] == 3500
    assert reserved(standard) == 1


def test_the_sweep_leaves_a_refund_just_sent_alone(paid, stripe_emulator):
    order = paid(1)
    stripe_emulator.emulator.set_outage(503)
    refund = refunds.refund_order(order=order)
    stripe_emulator.emulator.set_outage(0)

    swept = payments.sweep_lapsed_holds()

    refund.refresh_from_db()
    assert "refund_succeeded" not in swept
    assert refund.state == LedgerState.SENT


def test_a_refund_stripe_refuses_fails_and_its_tickets_admit_again(paid, standard, stripe_emulator):
    order = paid(2)
    # Refunded whole in Stripe's dashboard, its webhook lost: Stripe has nothing left to refund.
    refund_in_stripe_dashboard(stripe_emulator.emulator, order, webhook=False)
    first = order.tickets.order_by("pk").first()

    with pytest.raises(ShopError) as refused:
        refunds.refund_tickets(order=order, ticket_ids=[first.pk])

    first.refresh_from_db()
    order.refresh_from_db()
    refund = order.refunds.get()
    assert refused.value.code == "refund_failed"
    assert (refund.state, refund.finished_at is not None) == (LedgerState.FAILED, True)
    assert "already been refunded" in refund.failure
    assert (first.status, order.refunded_amount, reserved(standard)) == (Ticket.Status.VALID, 0, 2)


def test_a_refund_over_what_is_left_is_refused_and_changes_nothing(paid, standard, stripe_emulator):
    order = paid(2)
    # 6,000 of 7,000 refunded in Stripe's dashboard: 1,000 left, less than a ticket's 3,500.
    refund_in_stripe_dashboard(stripe_emulator.emulator, order, 6000)
    order.refresh_from_db()
    first, second = order.tickets.order_by("pk")

    with pytest.raises(ShopError) as refused:
        refunds.refund_tickets(order=order, ticket_ids=[first.pk])

    first.refresh_from_db()
    order.refresh_from_db()
    assert refused.value.code == "refund_too_large"
    assert first.status == Ticket.Status.VALID
    assert order.refunded_amount == 6000
    assert list(order.refunds.values_list("made_by", "amount")) == [(MadeBy.STRIPE, 6000)]


def test_a_ticket_already_refunded_is_not_refunded_again(paid, stripe_emulator):
    order = paid(2)
    first = order.tickets.order_by("pk").first()
    refunds.refund_tickets(order=order, ticket_ids=[first.pk])

    with pytest.raises(ShopError) as again:
        refunds.refund_tickets(order=order, ticket_ids=[first.pk])

    intent = stripe_emulator.emulator.get_payment_intent(order.stripe_payment_intent_id)
    assert again.value.code == "not_refundable"
    assert order.refunds.count() == 1
    assert intent["amount_refunded"] == 3500


def test_a_refund_made_in_stripe_s_dashboard_is_in_the_ledger_and_the_trail(paid, stripe_emulator):
    order = paid(2)

    refund_in_stripe_dashboard(stripe_emulator.emulator, order)

    order.refresh_from_db()
    refund = order.refunds.get()
    assert (refund.amount, refund.state, refund.made_by) == (7000, LedgerState.SUCCEEDED, MadeBy.STRIPE)
    assert set(refund.tickets.values_list("pk", flat=True)) == set(order.tickets.values_list("pk", flat=True))
    assert order.status == Order.Status.REFUNDED
    assert audit.history(order).first().action == "ticketing.order.refunded_in_stripe"
    assert audit.history(order).first().data["by"] == MadeBy.STRIPE


def test_the_audit_trail_names_the_buyer_for_a_payment_and_the_person_for_a_refund(paid):
    order = paid(1)
    staff = UserFactory(username="finance")

    refunds.refund_order(order=order, user=staff)

    entries = [(e.action, e.user, e.data["by"]) for e in audit.history(order).order_by("timestamp", "pk")]
    assert entries == [
        ("ticketing.order.paid", None, MadeBy.BUYER),
        ("ticketing.order.refund_claimed", staff, MadeBy.STAFF),
        ("ticketing.order.refunded", staff, MadeBy.STAFF),
    ]


# -- A worker killed half-way ------------------------------------------------------------------

KILL_SCRIPT = """
import os, signal, sys
import django
django.setup()
from ticketing import stripe_gateway
from ticketing.models import Order
from ticketing.services import refunds

def stop_here(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

point = sys.argv[1]
if point == "before_stripe":
    stripe_gateway.refund = stop_here  # the claim has committed; Stripe is never asked
else:
    refunds._settle = stop_here  # Stripe has refunded; its answer is never recorded
refunds.refund_tickets(order=Order.objects.get(pk=int(sys.argv[2])), ticket_ids=[int(sys.argv[3])])
print("not killed")
"""


def _refund_in_a_worker_killed(point: str, order: Order, ticket: Ticket, emulator_url: str) -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "festival.settings.test", "DATABASE_URL": database_url(),
           "STRIPE_API_BASE": emulator_url, "STRIPE_SECRET_KEY": ""}  # fmt: skip
    worker = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, point, str(order.pk), str(ticket.pk)],
        env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "not killed" not in worker.stdout, worker.stderr
    return worker.returncode


@pytest.mark.parametrize("point", ["before_stripe", "after_stripe"])
def test_a_worker_killed_mid_refund_loses_no_money_and_no_places(point, paid, standard, stripe_emulator):
    order = paid(2)
    first = order.tickets.order_by("pk").first()

    status = _refund_in_a_worker_killed(point, order, first, stripe_emulator.base_url)
    refund = order.refunds.get()
    left_behind = (refund.state, reserved(standard))
    swept = payments.sweep_lapsed_holds(now=later())

    refund.refresh_from_db()
    first.refresh_from_db()
    order.refresh_from_db()
    intent = stripe_emulator.emulator.get_payment_intent(order.stripe_payment_intent_id)
    assert status == -9  # SIGKILL
    assert left_behind == (LedgerState.SENT, 2)  # claimed, places still held, Stripe's answer unknown
    assert swept["refund_succeeded"] == 1
    assert (refund.state, first.status, order.refunded_amount) == (LedgerState.SUCCEEDED, Ticket.Status.REFUNDED, 3500)
    assert intent["amount_refunded"] == 3500  # refunded once, though asked twice in the second case
    assert reserved(standard) == 1  # the place is back, once
    assert Payment.objects.filter(order=order).count() == 1
    assert Refund.objects.filter(order=order).count() == 1
