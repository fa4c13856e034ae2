"""No hold stuck for ever: a Checkout Session Stripe no longer knows lapses; only an outage is retried.

Driven over HTTP with the real ``stripe`` library against the emulator: it forgets a session
(retrieving it then answers 404 ``resource_missing``, as Stripe does) or answers every API call
with an error status, as Stripe does in an outage.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ticketing import stripe_gateway
from ticketing.models import Order, Ticket, TicketType, WaitingListEntry
from ticketing.services import payments

from .helpers import place

pytestmark = pytest.mark.django_db(transaction=True)

UNREACHABLE = "http://127.0.0.1:9"  # nothing listens there: the connection is refused


def reserved(ticket_type):
    return TicketType.objects.get(pk=ticket_type.pk).reserved


def lapse(order):
    Order.objects.filter(pk=order.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))


@pytest.fixture
def outage(stripe_emulator):
    """Make the emulator answer every API call with an HTTP status, as Stripe does in an outage."""
    yield stripe_emulator.emulator.set_outage
    stripe_emulator.emulator.set_outage(0)


def test_gateway_says_a_forgotten_session_is_unknown(client, festival, standard, stripe_emulator):
    _, order = place(client, festival, standard, 1)
    stripe_emulator.emulator.forget_session(order.stripe_checkout_session_id)

    with pytest.raises(stripe_gateway.UnknownSession) as retrieved:
        stripe_gateway.retrieve_checkout_session(order.stripe_checkout_session_id)
    with pytest.raises(stripe_gateway.UnknownSession) as expired:
        stripe_gateway.expire_checkout_session(order.stripe_checkout_session_id)

    assert (retrieved.value.code, expired.value.code) == ("resource_missing", "resource_missing")


def test_gateway_does_not_call_an_unreachable_stripe_unknown(client, festival, standard, stripe_emulator, settings):
    _, order = place(client, festival, standard, 1)
    settings.STRIPE_API_BASE = UNREACHABLE

    with pytest.raises(stripe_gateway.PaymentProviderError) as raised:
        stripe_gateway.retrieve_checkout_session(order.stripe_checkout_session_id)

    assert not isinstance(raised.value, stripe_gateway.UnknownSession)


def test_gateway_does_not_call_a_failing_stripe_unknown(client, festival, standard, stripe_emulator, outage):
    _, order = place(client, festival, standard, 1)
    outage(500)

    with pytest.raises(stripe_gateway.PaymentProviderError) as raised:
        stripe_gateway.retrieve_checkout_session(order.stripe_checkout_session_id)

    assert not isinstance(raised.value, stripe_gateway.UnknownSession)


def test_sweep_releases_the_hold_of_a_session_stripe_no_longer_knows(client, festival, standard, stripe_emulator):
    _, order = place(client, festival, standard, 2)
    lapse(order)
    stripe_emulator.emulator.forget_session(order.stripe_checkout_session_id)

    first_sweep = payments.sweep_lapsed_holds()
    second_sweep = payments.sweep_lapsed_holds()

    order.refresh_from_db()
    assert first_sweep == {"released": 1}
    assert second_sweep == {}
    assert order.status == Order.Status.EXPIRED
    assert reserved(standard) == 0
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}


def test_places_of_a_forgotten_session_go_to_the_waiting_list(client, festival, stripe_emulator):
    tiny = TicketType.objects.create(festival=festival, name="Tiny", price=1000, capacity=2)
    _, order = place(client, festival, tiny, 2)
    entry = WaitingListEntry.objects.create(festival=festival, name="Ada", email="ada@example.org", quantity=2)
    lapse(order)
    stripe_emulator.emulator.forget_session(order.stripe_checkout_session_id)

    results = payments.sweep_lapsed_holds()

    entry.refresh_from_db()
    assert results == {"released": 1}
    assert entry.status == WaitingListEntry.Status.OFFERED
    assert reserved(tiny) == 0
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_sweep_keeps_the_hold_while_stripe_cannot_be_reached_and_releases_it_later(
    client, festival, standard, stripe_emulator, settings
):
    _, order = place(client, festival, standard, 2)
    lapse(order)
    settings.STRIPE_API_BASE = UNREACHABLE

    during = payments.sweep_lapsed_holds()
    held = (Order.objects.get(pk=order.pk).status, reserved(standard))
    settings.STRIPE_API_BASE = stripe_emulator.base_url
    stripe_emulator.emulator.expire_session(order.stripe_checkout_session_id, api=False)  # no webhook URL
    after = payments.sweep_lapsed_holds()

    order.refresh_from_db()
    assert during == {"stripe_unreachable": 1}
    assert held == (Order.Status.PENDING, 2)
    assert after == {"released": 1}
    assert order.status == Order.Status.EXPIRED
    assert reserved(standard) == 0


@pytest.mark.parametrize("status", [500, 503, 429])
def test_sweep_keeps_the_hold_while_stripe_answers_an_error_and_releases_it_later(
    client, festival, standard, stripe_emulator, outage, status
):
    _, order = place(client, festival, standard, 2)
    lapse(order)
    outage(status)

    during = payments.sweep_lapsed_holds()
    held = (Order.objects.get(pk=order.pk).status, reserved(standard))
    outage(0)
    stripe_emulator.emulator.expire_session(order.stripe_checkout_session_id, api=False)  # no webhook URL
    after = payments.sweep_lapsed_holds()

    order.refresh_from_db()
    assert during == {"stripe_unreachable": 1}
    assert held == (Order.Status.PENDING, 2)
    assert after == {"released": 1}
    assert order.status == Order.Status.EXPIRED
    assert reserved(standard) == 0


def test_buyer_can_cancel_an_unpaid_order_whose_session_stripe_no_longer_knows(
    client, festival, standard, stripe_emulator
):
    _, order = place(client, festival, standard, 2)
    stripe_emulator.emulator.forget_session(order.stripe_checkout_session_id)

    response = client.post(f"/tickets/orders/{order.access_token}/cancel/", follow=True)

    order.refresh_from_db()
    assert "Your order is cancelled and nothing was charged" in response.text
    assert order.status == Order.Status.CANCELLED
    assert reserved(standard) == 0


def test_buyer_cannot_cancel_while_stripe_cannot_be_reached(client, festival, standard, stripe_emulator, settings):
    """The session may have just been paid: with no answer from Stripe the order is left as it is."""
    _, order = place(client, festival, standard, 2)
    settings.STRIPE_API_BASE = UNREACHABLE

    response = client.post(f"/tickets/orders/{order.access_token}/cancel/", follow=True)

    order.refresh_from_db()
    assert "This order can no longer be cancelled here." in response.text
    assert order.status == Order.Status.PENDING
    assert reserved(standard) == 2


def paid_then_forgotten(order, stripe_emulator):
    """Pay the order's session without delivering the webhook, then have Stripe forget the session;
    answers the ``checkout.session.completed`` event, still to be delivered."""
    session_id = order.stripe_checkout_session_id
    webhook_url, stripe_emulator.emulator.webhook_url = stripe_emulator.emulator.webhook_url, ""
    stripe_emulator.emulator.pay(session_id)
    stripe_emulator.emulator.webhook_url = webhook_url
    stripe_emulator.emulator.forget_session(session_id)
    return stripe_emulator.emulator.list_events(type_="checkout.session.completed", session=session_id)[-1]


def test_payment_landing_while_the_sweep_runs_keeps_the_order_paid_and_its_places(
    client, festival, standard, live_site, stripe_emulator, monkeypatch
):
    """The sweep read the order as lapsed; the payment's webhook lands before it asks Stripe, which
    no longer knows the session: the order stays paid, its places held once."""
    _, order = place(client, festival, standard, 2)
    lapse(order)
    event = paid_then_forgotten(order, stripe_emulator)
    expire = stripe_gateway.expire_checkout_session

    def let_the_payment_land_first(session_id):
        assert stripe_emulator.emulator.deliver(event["id"]) == 200
        return expire(session_id)

    monkeypatch.setattr(stripe_gateway, "expire_checkout_session", let_the_payment_land_first)

    results = payments.sweep_lapsed_holds()

    order.refresh_from_db()
    assert results == {"ignored": 1}
    assert order.status == Order.Status.PAID
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.VALID}
    assert reserved(standard) == 2
    assert [m.to for m in mail.outbox] == [[order.buyer_email]]


def test_payment_landing_after_the_sweep_released_a_forgotten_session_is_honoured_once(
    client, festival, standard, live_site, stripe_emulator
):
    _, order = place(client, festival, standard, 2)
    lapse(order)
    event = paid_then_forgotten(order, stripe_emulator)

    results = payments.sweep_lapsed_holds()
    released = (Order.objects.get(pk=order.pk).status, reserved(standard))
    statuses = stripe_emulator.emulator.deliver_concurrently(event["id"], 3)

    order.refresh_from_db()
    assert results == {"released": 1}
    assert released == (Order.Status.EXPIRED, 0)
    assert statuses == [200, 200, 200]
    assert order.status == Order.Status.PAID
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.VALID}
    assert reserved(standard) == 2
    assert [m.to for m in mail.outbox] == [[order.buyer_email]]
