"""The emulator's HTTP server: Stripe's API shapes, a hosted checkout page, test controls.

API (Bearer ``sk_...`` required, form-encoded bodies as the ``stripe`` library sends):
    POST /v1/checkout/sessions                   create (line_items with price_data)
    GET  /v1/checkout/sessions/<id>              retrieve
    POST /v1/checkout/sessions/<id>/expire       expire an open session
    GET  /v1/checkout/sessions/<id>/line_items   list its line items
    GET  /v1/payment_intents/<id>                the PaymentIntent behind a paid session
    POST /v1/refunds, GET /v1/refunds/<id>       full and partial refunds
    GET  /v1/events/<id>                         an event that was sent
Hosted page:  GET/POST /pay/<session id>         pay, decline or go back
Test controls (no key needed, JSON answers):
    POST /_emulator/sessions/<id>/pay            ?method=card|delayed &sync=1
    POST /_emulator/sessions/<id>/settle         ?outcome=succeeded|failed &sync=1
    POST /_emulator/sessions/<id>/expire         expiry as the sweep would do it
    POST /_emulator/events/<id>/deliver          ?times=N delivered concurrently, answers the statuses
    GET  /_emulator/events                       ?type= &session=
    POST /_emulator/config                       ?webhook_url= &webhook_secret=
    POST /_emulator/sweep                        expire every lapsed open session now
"""

import hashlib
import html
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .forms import parse_form
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
            session = self.state.sessions.get(session_id)
            if session is None:
                raise StripeError(
                    404, f"No such checkout.session: '{session_id}'", param="session", code="resource_missing"
                )
            return dict(session)

    def list_line_items(self, session_id: str) -> dict:
        self.get_session(session_id)
        with self.state.lock:
            items = list(self.state.line_items[session_id])
        return {"object": "list", "data": items, "has_more": False, "url": f"/v1/checkout/sessions/{session_id}"}

    def expire_session(self, session_id: str, *, api: bool) -> dict:
        """Expire an open session and send ``checkout.session.expired``."""
        with self.state.lock:
            session = self.state.sessions.get(session_id)
            if session is None:
                raise StripeError(404, f"No such checkout.session: '{session_id}'", code="resource_missing")
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
            session = self.state.sessions.get(session_id)
            if session is None:
                raise StripeError(404, f"No such checkout.session: '{session_id}'", code="resource_missing")
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
            session = self.state.sessions.get(session_id)
            if session is None:
                raise StripeError(404, f"No such checkout.session: '{session_id}'", code="resource_missing")
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


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, with no 40 ms delayed-ACK stall
    server_version = "StripeEmulator/1.0"
    emulator: Emulator  # set on the subclass made per server

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        log.debug("%s - %s", self.address_string(), format % args)

    # -- plumbing ------------------------------------------------------------
    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise StripeError(413, "Request body too large.")
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type="application/json", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", _new_id("req"))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data, extra=None):
        self._send(status, json.dumps(data).encode(), extra=extra)

    def _redirect(self, location: str):
        self._send(303, b"", "text/plain", {"Location": location})

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method: str):
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/")
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        try:
            body = self._body()
            if path.startswith("/v1/"):
                self._api(method, path, parts.query, body)
            elif path.startswith("/pay/"):
                self._hosted(method, path.removeprefix("/pay/"), body)
            elif path.startswith("/_emulator/"):
                self._control(method, path.removeprefix("/_emulator/"), {**query, **dict(parse_qsl(body.decode()))})
            elif path in {"", "/health"}:
                self._json(200, {"ok": True, "emulator": "stripe"})
            else:
                raise StripeError(404, f"Unrecognized request URL ({method}: {parts.path}).")
        except StripeError as exc:
            self._json(exc.status, exc.body)
        except Exception:  # an emulator bug must still answer, in Stripe's shape
            log.exception("stripe emulator error")
            self._json(500, {"error": {"type": "api_error", "message": "The emulator failed."}})

    # -- /v1 -----------------------------------------------------------------
    def _api(self, method: str, path: str, raw_query: str, body: bytes):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer sk_"):
            raise StripeError(
                401,
                "You did not provide an API key. Use Authorization: Bearer sk_test_...",
                type_="invalid_request_error",
            )
        emu = self.emulator
        segments = path.split("/")[2:]
        params = parse_form(body.decode() if method == "POST" else raw_query)

        def route():
            match method, segments:
                case "POST", ["checkout", "sessions"]:
                    return emu.create_session(params)
                case "GET", ["checkout", "sessions", sid]:
                    return emu.get_session(sid)
                case "POST", ["checkout", "sessions", sid, "expire"]:
                    return emu.expire_session(sid, api=True)
                case "GET", ["checkout", "sessions", sid, "line_items"]:
                    return emu.list_line_items(sid)
                case "GET", ["payment_intents", pid]:
                    return emu.get_payment_intent(pid)
                case "POST", ["refunds"]:
                    return emu.create_refund(params)
                case "GET", ["refunds", rid]:
                    return emu.get_refund(rid)
                case "GET", ["events", eid]:
                    return emu.get_event(eid)
            raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

        def produce():
            try:
                return 200, json.dumps(route()).encode()
            except StripeError as exc:
                return exc.status, json.dumps(exc.body).encode()

        key = self.headers.get("Idempotency-Key")
        if method == "POST" and key:
            fingerprint = hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()
            status, payload, replayed = emu.idempotent(key, fingerprint, produce)
            extra = {"Idempotency-Key": key}
            if replayed:
                extra["Idempotent-Replayed"] = "true"
            self._send(status, payload, extra=extra)
        else:
            status, payload = produce()
            self._send(status, payload)

    # -- hosted checkout page -------------------------------------------------
    def _hosted(self, method: str, session_id: str, body: bytes):
        emu = self.emulator
        try:
            session = emu.get_session(session_id)
        except StripeError:
            self._send(404, _page("Payment not found", "<p>We couldn't find that payment.</p>"), "text/html")
            return
        notice = ""
        if method == "POST" and session["status"] == "open":
            action = dict(parse_qsl(body.decode())).get("action")
            if action == "pay":
                session = emu.pay(session_id)
                self._redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))
                return
            if action == "decline":
                notice = (
                    '<p class="notice" role="alert"><strong>Declined:</strong> your card was declined. '
                    "No money was taken. Try again, or go back to the shop.</p>"
                )
        self._send(
            200, _page("Pay", _checkout_body(session, emu.list_line_items(session_id)["data"], notice)), "text/html"
        )

    # -- test controls ---------------------------------------------------------
    def _control(self, method: str, path: str, params: dict):
        emu = self.emulator
        segments = path.split("/")
        sync = params.get("sync") in {"1", "true"}
        match method, segments:
            case "POST", ["sessions", sid, "pay"]:
                return self._json(200, emu.pay(sid, method=params.get("method", "card"), sync=sync))
            case "POST", ["sessions", sid, "settle"]:
                return self._json(200, emu.settle(sid, outcome=params.get("outcome", ""), sync=sync))
            case "POST", ["sessions", sid, "expire"]:
                return self._json(200, emu.expire_session(sid, api=False))
            case "POST", ["events", eid, "deliver"]:
                times = _int(params.get("times", 1), "times", minimum=1)
                return self._json(200, {"statuses": emu.deliver_concurrently(eid, min(times, 50))})
            case "GET", ["events"]:
                events = emu.list_events(type_=params.get("type", ""), session=params.get("session", ""))
                return self._json(200, {"data": events})
            case "POST", ["config"]:
                if "webhook_url" in params:
                    emu.webhook_url = params["webhook_url"]
                if "webhook_secret" in params:
                    emu.webhook_secret = params["webhook_secret"]
                return self._json(200, {"webhook_url": emu.webhook_url})
            case "POST", ["sweep"]:
                return self._json(200, {"expired": emu.sweep()})
        raise StripeError(404, f"Unknown control: {method} /_emulator/{path}")


def _page(title: str, body: str) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · Stripe emulator</title>
<style>
body {{ margin: 0; font-family: system-ui, sans-serif; font-size: 1.0625rem; line-height: 1.5; color: #1a1a1a;
  background: #f6f6f9; }}
header {{ background: #32325d; color: #fff; padding: .75rem 1rem; }}
header p {{ margin: 0; max-width: 32rem; margin: 0 auto; }}
main {{ max-width: 32rem; margin: 1.5rem auto; padding: 0 1rem; }}
.card {{ background: #fff; border: 1px solid #d0d0dc; border-radius: 8px; padding: 1rem 1.25rem; }}
table {{ width: 100%; border-collapse: collapse; }} th, td {{ text-align: left; padding: .4rem 0; }}
td.amount, th.amount {{ text-align: right; }} tfoot th, tfoot td {{ border-top: 2px solid #1a1a1a; font-weight: 700; }}
button, .button {{ display: block; width: 100%; min-height: 48px; margin: .75rem 0 0; font: inherit; font-weight: 700;
  border-radius: 6px; border: 2px solid #32325d; cursor: pointer; text-align: center; text-decoration: none;
  padding: .6rem 1rem; box-sizing: border-box; }}
.pay {{ background: #32325d; color: #fff; }} .decline {{ background: #fff; color: #32325d; }}
.back {{ background: #fff; color: #1a1a1a; border-color: #6b6b6b; }}
:focus-visible {{ outline: 3px solid #1d4ed8; outline-offset: 2px; }}
.notice {{ border-left: 6px solid #a4161a; background: #fff; padding: .75rem 1rem; }}
.small {{ font-size: .9rem; color: #4a4a4a; }}
</style></head>
<body><header><p><strong>Test payment</strong> — local Stripe emulator. No real money moves.</p></header>
<main>{body}</main></body></html>""".encode()


def _checkout_body(session: dict, items: list[dict], notice: str) -> str:
    currency = session["currency"]
    rows = "".join(
        f"<tr><td>{html.escape(i['description'])} × {i['quantity']}</td>"
        f"<td class=amount>{_money(i['amount_total'], currency)}</td></tr>"
        for i in items
    )
    total = _money(session["amount_total"], currency)
    summary = (
        f'<table><caption class="small">Order summary</caption><thead><tr><th scope=col>Item</th>'
        f"<th scope=col class=amount>Amount</th></tr></thead><tbody>{rows}</tbody>"
        f"<tfoot><tr><th scope=row>Total</th><td class=amount>{total}</td></tr></tfoot></table>"
    )
    if session["status"] != "open":
        state = {"complete": "This payment is complete.", "expired": "This payment page has expired."}
        return f'<h1>Payment</h1><div class="card">{summary}<p role="status">{state[session["status"]]}</p></div>'
    cancel = session.get("cancel_url")
    back = f'<a class="button back" href="{html.escape(cancel)}">Cancel and go back</a>' if cancel else ""
    email = html.escape(session.get("customer_email") or "")
    return f"""<h1>Pay {total}</h1>
{notice}
<div class="card">{summary}
<p class="small">{email}</p>
<form method="post">
<button class="pay" type="submit" name="action" value="pay">Pay {total}</button>
<button class="decline" type="submit" name="action" value="decline">Decline the card (test a failed payment)</button>
</form>
{back}
</div>"""


class EmulatorServer:
    """A threaded HTTP server around one :class:`Emulator`, with an expiry sweep thread."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_url: str = "",
        webhook_secret: str = "",
        sweep_interval: float = 5.0,
        public_url: str = "",
    ):
        self.emulator = Emulator(webhook_url=webhook_url, webhook_secret=webhook_secret)
        handler = type("BoundHandler", (Handler,), {"emulator": self.emulator})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.host, self.port = self.httpd.server_address[:2]
        self.base_url = f"http://{self.host}:{self.port}"
        self.emulator.public_url = (public_url or self.base_url).rstrip("/")
        self.sweep_interval = sweep_interval
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> "EmulatorServer":
        serve = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="stripe-emulator", daemon=True
        )
        sweep = threading.Thread(target=self._sweep_loop, name="stripe-emulator-sweep", daemon=True)
        self._threads = [serve, sweep]
        for thread in self._threads:
            thread.start()
        return self

    def _sweep_loop(self):
        while not self._stop.wait(self.sweep_interval):
            try:
                self.emulator.sweep()
            except Exception:
                log.exception("expiry sweep failed")

    def serve_forever(self):
        self.start()
        try:
            while not self._stop.wait(1):
                pass
        finally:
            self.stop()

    def stop(self):
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.emulator.deliveries.shutdown(wait=False, cancel_futures=True)
