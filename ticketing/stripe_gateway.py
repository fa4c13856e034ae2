"""The one module that talks to Stripe (or to the project's emulator, which speaks the same API).

Everything here is called outside database transactions. Answers are plain dicts, so
callers never depend on the ``stripe`` library's objects.
"""

import functools
import logging
import threading
from dataclasses import dataclass

import requests
import stripe
from django.conf import settings

logging.getLogger("stripe").setLevel(logging.WARNING)  # it logs every request at INFO

EMULATOR_KEY = "sk_test_festival_emulator"  # the emulator accepts any sk_ key


class PaymentProviderError(Exception):
    """Stripe refused or could not be reached. ``code`` is stable; ``message`` is Stripe's."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code
        self.message = message


class WebhookSignatureError(Exception):
    """A webhook whose payload or signature does not verify (tampered, replayed or stale)."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    status: str
    payment_status: str
    payment_intent: str
    amount_total: int
    metadata: dict


@functools.cache
def _client(api_key: str, api_base: str, thread_id: int) -> stripe.StripeClient:
    # One client (and one kept-alive HTTP session) per thread. trust_env=False: the proxy
    # settings are not re-read from the environment on every request, which costs ~1 ms.
    session = requests.Session()
    session.trust_env = False
    http_client = stripe.RequestsClient(session=session, timeout=(5, 30))
    base = {"api": api_base} if api_base else None
    return stripe.StripeClient(api_key, base_addresses=base, max_network_retries=2, http_client=http_client)


def client() -> stripe.StripeClient:
    """The client for the configured key and base address (the emulator's when no key is set)."""
    return _client(settings.STRIPE_SECRET_KEY or EMULATOR_KEY, settings.STRIPE_API_BASE, threading.get_ident())


def _session(obj) -> CheckoutSession:
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    intent = data.get("payment_intent") or ""
    if isinstance(intent, dict):
        intent = intent.get("id", "")
    return CheckoutSession(
        id=data["id"],
        url=data.get("url") or "",
        status=data.get("status") or "",
        payment_status=data.get("payment_status") or "",
        payment_intent=intent,
        amount_total=data.get("amount_total") or 0,
        metadata=dict(data.get("metadata") or {}),
    )


def _wrap(exc: stripe.StripeError) -> PaymentProviderError:
    code = getattr(exc, "code", None) or type(exc).__name__
    return PaymentProviderError(str(code), getattr(exc, "user_message", None) or str(exc))


def create_checkout_session(
    *,
    line_items: list[dict],
    currency: str,
    customer_email: str,
    client_reference_id: str,
    metadata: dict,
    success_url: str,
    cancel_url: str,
    expires_at: int,
    idempotency_key: str,
) -> CheckoutSession:
    """Open a Checkout Session; raises PaymentProviderError."""
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": item["quantity"],
                "price_data": {
                    "currency": currency,
                    "unit_amount": item["unit_amount"],
                    "product_data": {"name": item["name"]},
                },
            }
            for item in line_items
        ],
        "customer_email": customer_email,
        "client_reference_id": client_reference_id,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": expires_at,
    }
    try:
        obj = client().v1.checkout.sessions.create(params, {"idempotency_key": idempotency_key})
    except stripe.StripeError as exc:
        raise _wrap(exc)
    return _session(obj)


def retrieve_checkout_session(session_id: str) -> CheckoutSession:
    """The session as Stripe sees it now; raises PaymentProviderError."""
    try:
        return _session(client().v1.checkout.sessions.retrieve(session_id))
    except stripe.StripeError as exc:
        raise _wrap(exc)


def expire_checkout_session(session_id: str) -> CheckoutSession:
    """Close an open session so it can no longer be paid; raises PaymentProviderError."""
    try:
        return _session(client().v1.checkout.sessions.expire(session_id))
    except stripe.StripeError as exc:
        raise _wrap(exc)


def list_line_items(session_id: str) -> list[dict]:
    """The session's line items as Stripe recorded them; raises PaymentProviderError."""
    try:
        items = client().v1.checkout.sessions.line_items.list(session_id)
    except stripe.StripeError as exc:
        raise _wrap(exc)
    return [item.to_dict() for item in items.data]


def refund(*, payment_intent: str, amount: int, idempotency_key: str, metadata: dict) -> dict:
    """Refund ``amount`` pence of a payment; the same key never refunds twice. Raises PaymentProviderError."""
    try:
        obj = client().v1.refunds.create(
            {"payment_intent": payment_intent, "amount": amount, "metadata": metadata},
            {"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _wrap(exc)
    return obj.to_dict()


def construct_event(payload: bytes, signature: str) -> dict:
    """Verify a webhook's signature and age; raises WebhookSignatureError."""
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise WebhookSignatureError(str(exc))
    return event.to_dict()
