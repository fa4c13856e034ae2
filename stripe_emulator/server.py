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
    POST /_emulator/sessions/<id>/forget         drop it: the API then answers 404 resource_missing
    POST /_emulator/outage                       ?status=500|503|429|... every API call fails; 0 ends it
    POST /_emulator/events/<id>/deliver          ?times=N delivered concurrently, answers the statuses
    GET  /_emulator/events                       ?type= &session=
    POST /_emulator/config                       ?webhook_url= &webhook_secret=
    POST /_emulator/sweep                        expire every lapsed open session now
"""

import hashlib
import html
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .emulator import (
    MAX_BODY,
    Emulator,
    StripeError,
    _int,
    _money,
    _new_id,
)
from .forms import parse_form

log = logging.getLogger("stripe_emulator")


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
        outage = emu.outage_error()
        if outage is not None:
            raise outage
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
            case "POST", ["sessions", sid, "forget"]:
                return self._json(200, emu.forget_session(sid))
            case "POST", ["outage"]:
                return self._json(200, emu.set_outage(_int(params.get("status", 0), "status")))
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
