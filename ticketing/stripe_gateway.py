"""The one module that talks to Stripe (or to the project's emulator, which speaks the same API).

Everything here is called outside database transactions. Answers are plain dicts, so
callers never depend on the ``stripe`` library's objects.
"""

import functools
import json
import logging
import re
import threading
from dataclasses import dataclass

import requests
import stripe
from django.conf import settings

from festival.errors import DomainError

logging.getLogger("stripe").setLevel(logging.WARNING)  # it logs every request at INFO

EMULATOR_KEY = "sk_test_festival_emulator"  # the emulator accepts any sk_ key


class PaymentProviderError(DomainError):
    """Stripe refused or could not be reached. ``code`` is stable (Stripe's); ``message`` is Stripe's own words,
    so this area has no message table."""

    def __init__(self, code: str, message: str = "", *, retryable: bool = False):
        super().__init__(code, detail=message)
        # No answer, or Stripe's own trouble (5xx, too many requests): the same call may work later.
        self.retryable = retryable

    @property
    def message(self) -> str:
        return self.params["detail"]

    def __str__(self) -> str:
        return self.message or self.code


class UnknownSession(PaymentProviderError):
    """Stripe answered, and does not know the Checkout Session (404 ``resource_missing``): nobody can pay
    it, so it is as good as expired. Any other failure, an outage above all, stays a plain
    PaymentProviderError, to be tried again."""


class WebhookSignatureError(Exception):
    """A webhook whose payload or signature does not verify (tampered, replayed or stale)."""


class WebhookPayloadError(Exception):
    """A correctly signed webhook whose body is not an event: not a JSON object (or nested too
    deeply to read), no string ``type``, or no ``data.object`` object. Stripe sends none of these."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    status: str
    payment_status: str
    payment_intent: str
    amount_total: int
    metadata: dict
    client_reference_id: str = ""


@dataclass(frozen=True)
class ChargeRefunded:
    """What a ``charge.refunded`` event says: the payment and how much of it is refunded so far."""

    payment_intent: str
    amount_refunded: int


# Stripe's ids (cs_..., pi_...) are letters, digits and underscores; anything else in an event
# (a number, an object, a lone surrogate the database cannot store) is not an id.
STRIPE_ID = re.compile(r"[A-Za-z0-9_]{1,255}")
MAX_AMOUNT = 99_999_999  # the largest amount Stripe takes, in pence


@functools.cache
def _client(api_key: str, api_base: str, timeouts: tuple[float, float], thread_id: int) -> stripe.StripeClient:
    # One client (and one kept-alive HTTP session) per thread. trust_env=False: the proxy
    # settings are not re-read from the environment on every request, which costs ~1 ms.
    session = requests.Session()
    session.trust_env = False
    http_client = stripe.RequestsClient(session=session, timeout=timeouts)
    base = {"api": api_base} if api_base else None
    # No retries by the library: a slow Stripe would hold a buyer's request (and the worker thread
    # serving it) for every retry. A buyer presses Pay again; the sweep asks again for the rest,
    # and every call that changes anything carries an idempotency key.
    return stripe.StripeClient(api_key, base_addresses=base, max_network_retries=0, http_client=http_client)


def client() -> stripe.StripeClient:
    """The client for the configured key and base address (the emulator's when no key is set), with
    the configured time limits (``STRIPE_CONNECT_TIMEOUT``, ``STRIPE_READ_TIMEOUT``, seconds)."""
    timeouts = (settings.STRIPE_CONNECT_TIMEOUT, settings.STRIPE_READ_TIMEOUT)
    return _client(
        settings.STRIPE_SECRET_KEY or EMULATOR_KEY, settings.STRIPE_API_BASE, timeouts, threading.get_ident()
    )


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
        client_reference_id=data.get("client_reference_id") or "",
    )


def _wrap(exc: stripe.StripeError) -> PaymentProviderError:
    code = getattr(exc, "code", None) or type(exc).__name__
    retryable = isinstance(exc, (stripe.APIConnectionError, stripe.RateLimitError)) or (exc.http_status or 0) >= 500
    return PaymentProviderError(str(code), getattr(exc, "user_message", None) or str(exc), retryable=retryable)


def _wrap_session(exc: stripe.StripeError) -> PaymentProviderError:
    """As ``_wrap``, but a call about one session that Stripe answers with "no such session" is UnknownSession."""
    if isinstance(exc, stripe.InvalidRequestError) and exc.code == "resource_missing":
        return UnknownSession(exc.code, getattr(exc, "user_message", None) or str(exc))
    return _wrap(exc)


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
    """The session as Stripe sees it now; raises UnknownSession if Stripe does not know it, else
    PaymentProviderError."""
    try:
        return _session(client().v1.checkout.sessions.retrieve(session_id))
    except stripe.StripeError as exc:
        raise _wrap_session(exc)


def expire_checkout_session(session_id: str) -> CheckoutSession:
    """Close an open session so it can no longer be paid; raises UnknownSession if Stripe does not
    know it, else PaymentProviderError."""
    try:
        return _session(client().v1.checkout.sessions.expire(session_id))
    except stripe.StripeError as exc:
        raise _wrap_session(exc)


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
    """Verify a webhook's signature and age, then read it: a dict with a string ``type`` and an
    object ``data.object``. Raises WebhookSignatureError, or WebhookPayloadError for a signed body
    that is not an event. The fields inside ``data.object`` are read by the functions below."""
    secret, tolerance = settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
    try:  # the signature only: stripe's own event objects cannot be built from every signed body
        stripe.WebhookSignature.verify_header(payload, signature, secret, tolerance)
    except (ValueError, stripe.SignatureVerificationError) as exc:  # ValueError: not UTF-8
        raise WebhookSignatureError(str(exc))
    try:
        event = json.loads(payload)
    except (ValueError, RecursionError) as exc:
        raise WebhookPayloadError(f"not JSON: {exc}")
    data = event.get("data") if isinstance(event, dict) else None
    if not isinstance(data, dict) or not isinstance(event.get("type"), str) or not isinstance(data.get("object"), dict):
        raise WebhookPayloadError("not an event: no string type, or no data.object object")
    return event


def _id(value) -> str | None:
    return value if isinstance(value, str) and STRIPE_ID.fullmatch(value) else None


def _pence(value) -> int | None:
    # type() and not isinstance(): JSON's true is a bool, and a bool is an int to isinstance.
    return value if type(value) is int and 0 <= value <= MAX_AMOUNT else None


def session_from_event(obj: dict) -> CheckoutSession | None:
    """The Checkout Session of a ``checkout.session.*`` event's ``data.object``, or None when a field
    the site reads is not as Stripe sends it (an id that is no id, metadata that is no object, an
    amount that is not whole pence). Raises nothing."""
    session_id, intent, amount = _id(obj.get("id")), obj.get("payment_intent"), obj.get("amount_total")
    texts = [obj.get(key) for key in ("url", "status", "payment_status", "client_reference_id")]
    metadata = obj.get("metadata")
    if (
        session_id is None
        or (intent is not None and _id(intent) is None)
        or (amount is not None and _pence(amount) is None)
        or not all(text is None or isinstance(text, str) for text in texts)
        or not (metadata is None or isinstance(metadata, dict))
    ):
        return None
    url, status, payment_status, reference = (text or "" for text in texts)
    return CheckoutSession(
        id=session_id,
        url=url,
        status=status,
        payment_status=payment_status,
        payment_intent=intent or "",
        amount_total=amount or 0,
        metadata=metadata or {},
        client_reference_id=reference,
    )


def refund_from_event(obj: dict) -> ChargeRefunded | None:
    """What a ``charge.refunded`` event's ``data.object`` says, or None when its payment intent is
    no id or its refunded amount is not whole pence. Raises nothing."""
    intent, refunded = _id(obj.get("payment_intent")), _pence(obj.get("amount_refunded"))
    if intent is None or refunded is None:
        return None
    return ChargeRefunded(payment_intent=intent, amount_refunded=refunded)
