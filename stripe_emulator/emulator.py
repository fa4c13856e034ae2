"""The emulated Stripe account: its sessions, payments, refunds and events, and the webhooks it sends.

No HTTP here: ``stripe_emulator.server`` turns requests into calls on :class:`Emulator`.
"""

import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from .signing import sign_payload

log = logging.getLogger("stripe_emulator")

API_VERSION = "2025-09-30.clover"
MIN_EXPIRY = 30 * 60
MAX_EXPIRY = 24 * 60 * 60
DEFAULT_EXPIRY = 24 * 60 * 60
MAX_BODY = 1024 * 1024


class StripeError(Exception):
    """An error answered in Stripe's shape: ``{"error": {"type", "message", "param", "code"}}``."""

    def __init__(self, status, message, *, type_="invalid_request_error", param=None, code=None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type_, "message": message}}
        if param:
            self.body["error"]["param"] = param
        if code:
            self.body["error"]["code"] = code


def _new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_urlsafe(18).replace('-', 'x').replace('_', 'y')}"


def _int(value, param, *, minimum=0):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise StripeError(400, f"Invalid integer: {value}", param=param)
    if number < minimum:
        raise StripeError(400, f"This value must be greater than or equal to {minimum}.", param=param)
    return number


def _money(amount: int, currency: str) -> str:
    symbol = {"gbp": "£", "eur": "€", "usd": "$"}.get(currency, "")
    return f"{symbol}{amount / 100:.2f}" + ("" if symbol else f" {currency.upper()}")


class State:
    """Everything the emulator knows, guarded by one lock."""

    def __init__(self):
        self.lock = threading.RLock()
        self.sessions: dict[str, dict] = {}
        self.line_items: dict[str, list[dict]] = {}
        self.payment_intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.events: dict[str, dict] = {}
        self.event_order: list[str] = []
        self.idempotency: dict[str, tuple[str, int, bytes]] = {}


class Emulator:
    """The API's behaviour, apart from HTTP."""

    def __init__(self, *, webhook_url: str = "", webhook_secret: str = "", public_url: str = ""):
        self.state = State()
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.public_url = public_url
        self.deliveries = ThreadPoolExecutor(max_workers=4, thread_name_prefix="stripe-emulator-webhook")
        self.retry_delays = (0.5, 2.0, 5.0)
        self.outage_status = 0  # while set, every API call answers this HTTP status (see set_outage)

    # -- Checkout Sessions -------------------------------------------------
    def create_session(self, params: dict) -> dict:
        now = int(time.time())
        mode = params.get("mode", "payment")
        if mode != "payment":
            raise StripeError(400, "The emulator only supports mode=payment.", param="mode")
        for key in ("success_url",):
            if not params.get(key):
                raise StripeError(400, f"Missing required param: {key}.", param=key)
        raw_items = params.get("line_items")
        if not isinstance(raw_items, list) or not raw_items:
            raise StripeError(400, "Missing required param: line_items.", param="line_items")
        expires_at = now + DEFAULT_EXPIRY
        if "expires_at" in params:
            expires_at = _int(params["expires_at"], "expires_at")
            if not (now + MIN_EXPIRY - 5 <= expires_at <= now + MAX_EXPIRY + 5):
                raise StripeError(
                    400,
                    "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session "
                    "creation.",
                    param="expires_at",
                )
        currency = None
        items = []
        for index, raw in enumerate(raw_items):
            param = f"line_items[{index}]"
            if not isinstance(raw, dict) or not isinstance(raw.get("price_data"), dict):
                raise StripeError(400, "You must specify either `price` or `price_data`.", param=param)
            price_data = raw["price_data"]
            quantity = _int(raw.get("quantity", 1), f"{param}[quantity]", minimum=1)
            unit = _int(price_data.get("unit_amount"), f"{param}[price_data][unit_amount]")
            item_currency = str(price_data.get("currency", "")).lower()
            if not item_currency:
                raise StripeError(400, "Missing required param: currency.", param=f"{param}[price_data][currency]")
            if currency and item_currency != currency:
                raise StripeError(400, "All line items must share one currency.", param=f"{param}[price_data]")
            currency = item_currency
            product = price_data.get("product_data") or {}
            name = product.get("name") if isinstance(product, dict) else None
            if not name:
                raise StripeError(
                    400, "Missing required param: name.", param=f"{param}[price_data][product_data][name]"
                )
            items.append(
                {
                    "id": _new_id("li"),
                    "object": "item",
                    "description": name,
                    "quantity": quantity,
                    "currency": currency,
                    "amount_subtotal": unit * quantity,
                    "amount_total": unit * quantity,
                    "price": {"object": "price", "unit_amount": unit, "currency": currency},
                }
            )
        total = sum(item["amount_total"] for item in items)
        if total < 30:
            raise StripeError(400, "The Checkout Session's total amount due must add up to at least 30p.")
        session_id = _new_id("cs")
        metadata = params.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise StripeError(400, "Invalid metadata.", param="metadata")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "payment",
            "status": "open",
            "payment_status": "unpaid",
            "amount_subtotal": total,
            "amount_total": total,
            "currency": currency,
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "customer_details": None,
            "metadata": {str(k): str(v) for k, v in metadata.items()},
            "payment_intent": None,
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "url": f"{self.public_url}/pay/{session_id}",
            "created": now,
            "expires_at": expires_at,
            "livemode": False,
        }
        with self.state.lock:
            self.state.sessions[session_id] = session
            self.state.line_items[session_id] = items
            return dict(session)

    def get_session(self, session_id: str) -> dict:
        with self.state.lock:
            return dict(self._session(session_id))

    def _session(self, session_id: str) -> dict:
        """The stored session itself (call holding the lock); an unknown id is Stripe's 404 ``resource_missing``."""
        session = self.state.sessions.get(session_id)
        if session is None:
            raise StripeError(
                404, f"No such checkout.session: '{session_id}'", param="session", code="resource_missing"
            )
        return session

    def forget_session(self, session_id: str) -> dict:
        """Drop a session, as if Stripe had never known it: every call about it then answers 404
        ``resource_missing``. Sends no event. Answers ``{"forgotten": id}``."""
        with self.state.lock:
            self._session(session_id)
            del self.state.sessions[session_id]
            self.state.line_items.pop(session_id, None)
        return {"forgotten": session_id}

    def set_outage(self, status: int) -> dict:
        """From now on answer every API call with ``status`` (500, 503, 429, ...) as Stripe does in an
        outage or when limiting the rate; 0 ends the outage. Answers ``{"status": status}``."""
        if status and not 400 <= status <= 599:
            raise StripeError(400, "status must be 0 or an HTTP error status.", param="status")
        self.outage_status = status
        return {"status": status}

    def outage_error(self) -> StripeError | None:
        """The error every API call answers during an outage, or None."""
        status = self.outage_status
        if not status:
            return None
        if status == 429:
            return StripeError(429, "Too many requests hit the API too quickly.", code="rate_limit")
        return StripeError(status, "An error occurred with our connection to Stripe.", type_="api_error")

    def list_line_items(self, session_id: str) -> dict:
        with self.state.lock:
            self._session(session_id)
            items = list(self.state.line_items[session_id])
        return {"object": "list", "data": items, "has_more": False, "url": f"/v1/checkout/sessions/{session_id}"}

    def expire_session(self, session_id: str, *, api: bool) -> dict:
        """Expire an open session and send ``checkout.session.expired``."""
        with self.state.lock:
            session = self._session(session_id)
            if session["status"] != "open":
                if not api:
                    return dict(session)
                raise StripeError(
                    400,
                    f'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session '
                    f'has a status of "{session["status"]}".',
                )
            session["status"] = "expired"
            snapshot = dict(session)
        self.emit("checkout.session.expired", snapshot)
        return snapshot

    def sweep(self) -> list[str]:
        """Expire every open session whose ``expires_at`` has passed."""
        now = int(time.time())
        with self.state.lock:
            lapsed = [s["id"] for s in self.state.sessions.values() if s["status"] == "open" and s["expires_at"] <= now]
        for session_id in lapsed:
            self.expire_session(session_id, api=False)
        return lapsed

    # -- Paying --------------------------------------------------------------
    def pay(self, session_id: str, *, method: str = "card", sync: bool = False) -> dict:
        """The buyer pays: card settles at once, ``delayed`` completes unpaid and settles later."""
        with self.state.lock:
            session = self._session(session_id)
            if session["status"] != "open":
                raise StripeError(400, f"This Checkout Session is {session['status']}.", code="session_not_open")
            pi_id = _new_id("pi")
            paid = method == "card"
            self.state.payment_intents[pi_id] = {
                "id": pi_id,
                "object": "payment_intent",
                "amount": session["amount_total"],
                "amount_received": session["amount_total"] if paid else 0,
                "amount_refunded": 0,
                "currency": session["currency"],
                "status": "succeeded" if paid else "processing",
                "latest_charge": _new_id("ch"),
                "metadata": dict(session["metadata"]),
                "created": int(time.time()),
                "livemode": False,
            }
            session.update(
                status="complete",
                payment_status="paid" if paid else "unpaid",
                payment_intent=pi_id,
                customer_details={"email": session.get("customer_email"), "name": None},
            )
            snapshot = dict(session)
        event = self.emit("checkout.session.completed", snapshot, deliver=not sync)
        if sync:
            self.deliver(event["id"])
        return snapshot

    def settle(self, session_id: str, *, outcome: str, sync: bool = False) -> dict:
        """A delayed payment succeeds or fails."""
        if outcome not in {"succeeded", "failed"}:
            raise StripeError(400, "outcome must be succeeded or failed.", param="outcome")
        with self.state.lock:
            session = self._session(session_id)
            if session["status"] != "complete" or session["payment_status"] != "unpaid":
                raise StripeError(400, "Only a completed, unpaid session can settle.")
            intent = self.state.payment_intents[session["payment_intent"]]
            if outcome == "succeeded":
                session["payment_status"] = "paid"
                intent.update(status="succeeded", amount_received=intent["amount"])
            else:
                intent.update(status="requires_payment_method")
            snapshot = dict(session)
        event = self.emit(f"checkout.session.async_payment_{outcome}", snapshot, deliver=not sync)
        if sync:
            self.deliver(event["id"])
        return snapshot

    def get_payment_intent(self, pi_id: str) -> dict:
        with self.state.lock:
            intent = self.state.payment_intents.get(pi_id)
            if intent is None:
                raise StripeError(404, f"No such payment_intent: '{pi_id}'", param="intent", code="resource_missing")
            return dict(intent)

    # -- Refunds -------------------------------------------------------------
    def create_refund(self, params: dict) -> dict:
        pi_id = params.get("payment_intent")
        if not pi_id:
            raise StripeError(400, "One of the following params should be provided: charge, payment_intent.")
        metadata = params.get("metadata") or {}
        with self.state.lock:
            intent = self.state.payment_intents.get(pi_id)
            if intent is None:
                raise StripeError(404, f"No such payment_intent: '{pi_id}'", param="payment_intent")
            if intent["status"] != "succeeded":
                raise StripeError(400, "This PaymentIntent has no successful charge to refund.")
            remaining = intent["amount_received"] - intent["amount_refunded"]
            if remaining <= 0:
                raise StripeError(
                    400, f"Charge {intent['latest_charge']} has already been refunded.", code="charge_already_refunded"
                )
            amount = _int(params["amount"], "amount", minimum=1) if "amount" in params else remaining
            if amount > remaining:
                raise StripeError(
                    400,
                    f"Refund amount ({_money(amount, intent['currency'])}) is greater than unrefunded amount on "
                    f"charge ({_money(remaining, intent['currency'])})",
                    param="amount",
                    code="amount_too_large",
                )
            intent["amount_refunded"] += amount
            refund = {
                "id": _new_id("re"),
                "object": "refund",
                "amount": amount,
                "currency": intent["currency"],
                "payment_intent": pi_id,
                "charge": intent["latest_charge"],
                "status": "succeeded",
                "reason": params.get("reason"),
                "metadata": {str(k): str(v) for k, v in metadata.items()} if isinstance(metadata, dict) else {},
                "created": int(time.time()),
            }
            self.state.refunds[refund["id"]] = refund
            charge = {  # the Charge as Stripe shows it after the refund: its refunds so far, in all
                "id": intent["latest_charge"],
                "object": "charge",
                "amount": intent["amount_received"],
                "amount_captured": intent["amount_received"],
                "amount_refunded": intent["amount_refunded"],
                "refunded": intent["amount_refunded"] >= intent["amount_received"],
                "currency": intent["currency"],
                "payment_intent": pi_id,
                "status": "succeeded",
            }
        self.emit("refund.created", refund)
        self.emit("charge.refunded", charge)
        return dict(refund)

    def get_refund(self, refund_id: str) -> dict:
        with self.state.lock:
            refund = self.state.refunds.get(refund_id)
            if refund is None:
                raise StripeError(404, f"No such refund: '{refund_id}'", param="id", code="resource_missing")
            return dict(refund)

    # -- Events and webhooks -------------------------------------------------
    def emit(self, event_type: str, obj: dict, *, deliver: bool = True) -> dict:
        event = {
            "id": _new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "type": event_type,
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1 if self.webhook_url else 0,
            "request": {"id": None, "idempotency_key": None},
            "deliveries": [],
        }
        with self.state.lock:
            self.state.events[event["id"]] = event
            self.state.event_order.append(event["id"])
        if deliver and self.webhook_url:
            self.deliveries.submit(self._deliver_with_retries, event["id"])
        return event

    def get_event(self, event_id: str) -> dict:
        with self.state.lock:
            event = self.state.events.get(event_id)
            if event is None:
                raise StripeError(404, f"No such event: '{event_id}'", param="id", code="resource_missing")
            return {k: v for k, v in event.items() if k != "deliveries"}

    def list_events(self, *, type_: str = "", session: str = "") -> list[dict]:
        with self.state.lock:
            events = [self.state.events[i] for i in self.state.event_order]
            return [
                dict(e)
                for e in events
                if (not type_ or e["type"] == type_) and (not session or e["data"]["object"].get("id") == session)
            ]

    def deliver(self, event_id: str) -> int:
        """POST the event, signed, to the webhook URL once; answer the HTTP status (0 if unreachable)."""
        event = self.get_event(event_id)
        payload = json.dumps(event, separators=(",", ":"))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": sign_payload(payload, self.webhook_secret),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks) emulator",
        }
        request = urllib.request.Request(  # noqa: S310 - the configured http(s) webhook URL
            self.webhook_url, data=payload.encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - configured webhook URL
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (urllib.error.URLError, OSError) as exc:
            log.warning("webhook %s to %s failed: %s", event["type"], self.webhook_url, exc)
            status = 0
        with self.state.lock:
            self.state.events[event_id]["deliveries"].append(status)
        return status

    def deliver_concurrently(self, event_id: str, times: int) -> list[int]:
        with ThreadPoolExecutor(max_workers=times) as pool:
            return list(pool.map(lambda _: self.deliver(event_id), range(times)))

    def _deliver_with_retries(self, event_id: str):
        for delay in (0.0, *self.retry_delays):
            time.sleep(delay)
            if 200 <= self.deliver(event_id) < 300:
                return

    # -- Idempotency ---------------------------------------------------------
    def idempotent(self, key: str, fingerprint: str, produce):
        """Same key and same request: the first answer again. Same key, other request: a 400."""
        scoped = f"idem:{key}"
        with self.state.lock:
            seen = self.state.idempotency.get(scoped)
            if seen is None:
                status, body = produce()
                if status < 500:
                    self.state.idempotency[scoped] = (fingerprint, status, body)
                return status, body, False
        if seen[0] != fingerprint:
            error = StripeError(
                400,
                f"Keys for idempotent requests can only be used with the same parameters they were first used "
                f"with. Try using a key other than '{key}' if you meant to execute a different request.",
                type_="idempotency_error",
            )
            return 400, json.dumps(error.body).encode(), False
        return seen[1], seen[2], True
