"""A slow Stripe cannot hold the site: every call gives up after its time limit, once, untried again."""

import socket
import threading

import pytest

from ticketing import stripe_gateway


@pytest.fixture
def hanging_stripe():
    """A server that accepts connections, reads the request and never answers; counts the connections."""
    listener = socket.create_server(("127.0.0.1", 0))
    connections = []
    stop = threading.Event()

    def serve():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            connections.append(conn)  # kept open, never answered

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", connections
    stop.set()
    thread.join()
    for conn in connections:
        conn.close()
    listener.close()


def test_a_checkout_stripe_never_answers_fails_once_after_the_time_limit(hanging_stripe, settings):
    url, connections = hanging_stripe
    settings.STRIPE_API_BASE, settings.STRIPE_SECRET_KEY = url, ""
    settings.STRIPE_READ_TIMEOUT = 0.5

    with pytest.raises(stripe_gateway.PaymentProviderError) as failed:
        stripe_gateway.create_checkout_session(
            line_items=[{"name": "Weekend", "quantity": 1, "unit_amount": 3500}],
            currency="gbp",
            customer_email="rosa@example.org",
            client_reference_id="1",
            metadata={"order_code": "FOR-AAAAA"},
            success_url="http://127.0.0.1/ok",
            cancel_url="http://127.0.0.1/no",
            expires_at=2_000_000_000,
            idempotency_key="checkout-FOR-AAAAA",
        )

    assert failed.value.retryable is True  # the buyer is told to try again; nothing was charged
    assert len(connections) == 1  # asked once: no retry held the request longer


def test_a_refund_stripe_never_answers_is_left_for_the_sweep(hanging_stripe, settings):
    url, connections = hanging_stripe
    settings.STRIPE_API_BASE, settings.STRIPE_SECRET_KEY = url, ""
    settings.STRIPE_READ_TIMEOUT = 0.5

    with pytest.raises(stripe_gateway.PaymentProviderError) as failed:
        stripe_gateway.refund(payment_intent="pi_x", amount=100, idempotency_key="refund-x", metadata={})

    assert failed.value.retryable is True
    assert len(connections) == 1
