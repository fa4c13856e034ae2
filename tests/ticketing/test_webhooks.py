"""The Stripe webhook, signed as Stripe signs it, with shapes Stripe never sends: never a 500.

A body that is not an event at all (not a JSON object, no string ``type``, no ``data.object``
object) is 400 ``malformed_event``; an event whose fields are not what Stripe sends is 200
``ignored``, since Stripe would only send the same thing again. Either way nothing changes.
"""

import io
import json

import pytest
from django.core.handlers.wsgi import LimitedStream

from stripe_emulator import sign_payload
from ticketing import views
from ticketing.models import Order, Ticket
from ticketing.services import orders

from .factories import OrderFactory
from .helpers import place

WEBHOOK = "/tickets/stripe/webhook/"


def post_signed(client, settings, payload):
    """POST a payload (an object, or raw text) signed like Stripe: ``t=…,v1=HMAC-SHA256``."""
    body = payload if isinstance(payload, str) else json.dumps(payload)
    signature = sign_payload(body, settings.STRIPE_WEBHOOK_SECRET)
    return client.post(WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)


def completed(order, **session_fields):
    """A ``checkout.session.completed`` event paying ``order`` in full, with some fields replaced."""
    session = {
        "id": order.stripe_checkout_session_id,
        "object": "checkout.session",
        "payment_status": "paid",
        "status": "complete",
        "amount_total": order.total,
        "payment_intent": "pi_test_webhook",
        "client_reference_id": str(order.pk),
        "metadata": {"order_code": order.code, "order_id": str(order.pk)},
    }
    session.update(session_fields)
    return {"id": "evt_test_1", "object": "event", "type": "checkout.session.completed", "data": {"object": session}}


def snapshot(order):
    order = Order.objects.get(pk=order.pk)
    tickets = list(Ticket.objects.filter(order=order).values_list("status", flat=True))
    return (order.status, order.problem, order.hold_expires_at, order.stripe_payment_intent_id, order.paid_at, tickets)


NOT_AN_EVENT = {
    "a list": lambda order: [1, 2, 3],
    "a string": lambda order: "checkout.session.completed",
    "a number": lambda order: 5,
    "null": lambda order: None,
    "a numeric type": lambda order: {**completed(order), "type": 5},
    "no type": lambda order: {k: v for k, v in completed(order).items() if k != "type"},
    "data missing": lambda order: {k: v for k, v in completed(order).items() if k != "data"},
    "data a list": lambda order: {**completed(order), "data": [completed(order)["data"]["object"]]},
    "data.object a string": lambda order: {**completed(order), "data": {"object": order.stripe_checkout_session_id}},
    "data.object missing": lambda order: {**completed(order), "data": {}},
}


@pytest.mark.parametrize("shape", NOT_AN_EVENT)
def test_signed_body_that_is_not_an_event_is_malformed(client, festival, standard, stripe_emulator, settings, shape):
    _, order = place(client, festival, standard, 1)
    before = snapshot(order)

    response = post_signed(client, settings, NOT_AN_EVENT[shape](order))

    assert response.status_code == 400
    assert response.json()["error"] == "malformed_event"
    assert response.json()["message"]
    assert snapshot(order) == before


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,  # nested too deeply to read
        '{"type": "checkout.session.completed", "data": {"object": {"amount_total": ' + "9" * 5000 + "}}}",
        '{"type": "checkout.session.completed", "data": {"object": {}}',  # cut short
    ],
    ids=["nested too deeply", "a 5000-digit number", "cut short"],
)
def test_signed_body_that_json_cannot_read_is_malformed(client, festival, standard, stripe_emulator, settings, body):
    _, order = place(client, festival, standard, 1)
    before = snapshot(order)

    response = post_signed(client, settings, body)

    assert response.status_code == 400
    assert response.json()["error"] == "malformed_event"
    assert snapshot(order) == before


ODD_FIELDS = {
    "metadata a list, needed to find the order": lambda order: completed(order, id="cs_test_other", metadata=[1, 2]),
    "metadata a string": lambda order: completed(order, id="cs_test_other", metadata=order.code),
    "session id a number": lambda order: completed(order, id=12345),
    "session id an object": lambda order: completed(order, id={"id": order.stripe_checkout_session_id}),
    "session id empty": lambda order: completed(order, id=""),
    "session id missing": lambda order: {**completed(order), "data": {"object": {"payment_status": "paid"}}},
    "session id a lone surrogate": lambda order: completed(order, id="cs_\ud800"),
    "reference id a number": lambda order: completed(order, id="cs_test_other", client_reference_id=order.pk),
    "reference id huge": lambda order: completed(order, id="cs_test_other", client_reference_id="9" * 40),
    "reference id in other digits": lambda order: completed(order, id="cs_test_other", client_reference_id="²"),
    "payment intent a number": lambda order: completed(order, payment_intent=42),
    "payment intent an object": lambda order: completed(order, payment_intent={"id": "pi_1"}),
    "payment status a list": lambda order: completed(order, payment_status=["paid"]),
    "amount a string": lambda order: completed(order, amount_total=str(order.total)),
    "amount a float": lambda order: completed(order, amount_total=float(order.total)),
    "amount true": lambda order: completed(order, amount_total=True),
    "amount huge": lambda order: completed(order, amount_total=10**30),
    "amount negative": lambda order: completed(order, amount_total=-order.total),
}


@pytest.mark.parametrize("shape", ODD_FIELDS)
def test_signed_event_with_odd_fields_is_ignored(client, festival, standard, stripe_emulator, settings, shape):
    _, order = place(client, festival, standard, 1)
    before = snapshot(order)

    response = post_signed(client, settings, ODD_FIELDS[shape](order))

    assert response.status_code == 200
    assert response.json() == {"received": True, "outcome": "ignored"}
    assert snapshot(order) == before


@pytest.mark.parametrize(
    "refund",
    [
        {"payment_intent": 42, "amount_refunded": 3500},
        {"payment_intent": "pi_test_webhook", "amount_refunded": "3500"},
        {"payment_intent": "pi_test_webhook", "amount_refunded": True},
        {"payment_intent": "pi_test_webhook", "amount_refunded": 10**30},
        {"payment_intent": "pi_\ud800", "amount_refunded": 3500},
        {"payment_intent": ["pi_test_webhook"], "amount_refunded": 3500},
    ],
)
def test_signed_refund_event_with_odd_fields_is_ignored(client, festival, standard, stripe_emulator, settings, refund):
    _, order = place(client, festival, standard, 1)
    post_signed(client, settings, completed(order))
    before = snapshot(order)
    event = {"id": "evt_test_2", "object": "event", "type": "charge.refunded", "data": {"object": refund}}

    response = post_signed(client, settings, event)

    assert response.status_code == 200
    assert response.json() == {"received": True, "outcome": "ignored"}
    assert snapshot(order) == before
    assert Order.objects.get(pk=order.pk).refunded_amount == 0


def test_session_event_without_an_id_touches_no_order_without_a_session(client, festival, settings):
    waiting = OrderFactory(festival=festival, status=Order.Status.PENDING, total=3500)
    event = {"id": "evt_test_3", "object": "event", "type": "checkout.session.expired", "data": {"object": {}}}

    response = post_signed(client, settings, event)

    assert response.json() == {"received": True, "outcome": "ignored"}
    assert Order.objects.get(pk=waiting.pk).status == Order.Status.PENDING


def test_unknown_event_type_with_any_data_is_ignored(client, festival, settings):
    event = {"id": "evt_test_4", "object": "event", "type": "customer.created", "data": {"object": {"id": 5}}}

    response = post_signed(client, settings, event)

    assert response.status_code == 200
    assert response.json() == {"received": True, "outcome": "ignored"}


def test_a_later_correct_payment_clears_the_amount_mismatch_flag(client, festival, standard, stripe_emulator, settings):
    _, order = place(client, festival, standard, 1)
    _, other = place(client, festival, standard, 1)
    post_signed(client, settings, completed(other, amount_total=1))

    wrong = post_signed(client, settings, completed(order, amount_total=1))
    flagged = Order.objects.get(pk=order.pk)
    right = post_signed(client, settings, completed(order))
    paid = Order.objects.get(pk=order.pk)

    assert wrong.json()["outcome"] == "not_paid"
    assert (flagged.status, flagged.problem) == (Order.Status.PENDING, "amount_mismatch")
    assert right.json()["outcome"] == "fulfilled"
    assert (paid.status, paid.problem) == (Order.Status.PAID, "")
    assert paid.stripe_payment_intent_id == "pi_test_webhook"
    assert list(paid.tickets.values_list("status", flat=True)) == [Ticket.Status.VALID]
    assert Order.objects.get(pk=other.pk).problem == "amount_mismatch"  # only that order's flag goes
    assert Order.objects.get(pk=other.pk).status == Order.Status.PENDING


def test_a_correct_late_payment_after_a_mismatch_is_honoured_and_clears_it(
    client, festival, standard, stripe_emulator, settings
):
    _, order = place(client, festival, standard, 1)
    post_signed(client, settings, completed(order, amount_total=1))
    orders.release_hold(order=Order.objects.get(pk=order.pk), to_status=Order.Status.EXPIRED)

    response = post_signed(client, settings, completed(order))
    paid = Order.objects.get(pk=order.pk)

    assert response.json()["outcome"] == "late_honoured"
    assert (paid.status, paid.problem) == (Order.Status.PAID, "")
    assert list(paid.tickets.values_list("status", flat=True)) == [Ticket.Status.VALID]


def test_a_repeated_correct_payment_clears_a_mismatch_flagged_on_a_paid_order(
    client, festival, standard, stripe_emulator, settings
):
    _, order = place(client, festival, standard, 1)
    post_signed(client, settings, completed(order))
    post_signed(client, settings, completed(order, amount_total=1))
    flagged = Order.objects.get(pk=order.pk)

    response = post_signed(client, settings, completed(order))
    paid = Order.objects.get(pk=order.pk)

    assert (flagged.status, flagged.problem) == (Order.Status.PAID, "amount_mismatch")
    assert response.json()["outcome"] == "already_paid"
    assert (paid.status, paid.problem) == (Order.Status.PAID, "")


class CountingStream(io.BytesIO):
    """A request body that remembers how many bytes the site read from it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = super().readline(size)
        self.bytes_read += len(line)
        return line


def test_an_oversized_webhook_is_refused_with_413_before_its_body_is_read(rf, settings):
    body = CountingStream(b"x" * (2 * 1024 * 1024))
    request = rf.post(WEBHOOK, content_type="application/json")
    request.META["CONTENT_LENGTH"] = str(2 * 1024 * 1024)
    request._stream = LimitedStream(body, 2 * 1024 * 1024)

    response = views.stripe_webhook(request)

    assert response.status_code == 413
    assert body.bytes_read == 0


def test_a_webhook_without_a_length_is_read_no_further_than_the_limit(rf, settings):
    body = CountingStream(b"x" * (2 * 1024 * 1024))
    request = rf.post(WEBHOOK, content_type="application/json")
    del request.META["CONTENT_LENGTH"]  # as with a chunked upload
    request._stream = body

    response = views.stripe_webhook(request)

    assert response.status_code == 413
    assert body.bytes_read <= views.MAX_WEBHOOK_BYTES + 1


def test_a_webhook_at_the_limit_is_still_read_and_checked(client, settings):
    body = json.dumps({"padding": "x" * (views.MAX_WEBHOOK_BYTES - 100)})
    response = post_signed(client, settings, body)

    assert response.status_code == 400
    assert response.json()["error"] == "malformed_event"
