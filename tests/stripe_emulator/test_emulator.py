"""The Stripe emulator speaks enough of Stripe's API, in Stripe's shapes, for the shop."""

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from stripe_emulator import EmulatorServer
from stripe_emulator.forms import parse_form
from ticketing import stripe_gateway

KEY = "sk_test_emulator"


@pytest.fixture
def server():
    server = EmulatorServer(port=0, sweep_interval=3600, webhook_secret="whsec_test").start()
    server.emulator.retry_delays = ()
    yield server
    server.stop()


def call(server, method, path, params=None, *, key=KEY, idempotency_key=None):
    """One raw HTTP request; answers (status, JSON body, headers)."""
    body = urllib.parse.urlencode(params or {}).encode() if method == "POST" else None
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    request = urllib.request.Request(server.base_url + path, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read()), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), exc.headers


def session_params(**extra):
    params = {
        "mode": "payment",
        "line_items[0][quantity]": "2",
        "line_items[0][price_data][currency]": "gbp",
        "line_items[0][price_data][unit_amount]": "1500",
        "line_items[0][price_data][product_data][name]": "Standard",
        "line_items[1][quantity]": "1",
        "line_items[1][price_data][currency]": "gbp",
        "line_items[1][price_data][unit_amount]": "500",
        "line_items[1][price_data][product_data][name]": "Donation",
        "metadata[order_code]": "FOR-TEST1",
        "client_reference_id": "42",
        "success_url": "https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://shop.example/cancel",
        "expires_at": str(int(time.time()) + 31 * 60),
    }
    params.update(extra)
    return params


def test_parse_form_nests_brackets_and_makes_lists():
    parsed = parse_form("a[0][b]=1&a[1][b]=2&m[k]=v&plain=x")

    assert parsed == {"a": [{"b": "1"}, {"b": "2"}], "m": {"k": "v"}, "plain": "x"}


def test_checkout_session_is_created_retrieved_and_lists_its_line_items(server):
    status, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())
    _, again, _ = call(server, "GET", f"/v1/checkout/sessions/{session['id']}")
    _, items, _ = call(server, "GET", f"/v1/checkout/sessions/{session['id']}/line_items")

    assert status == 200
    assert session["object"] == "checkout.session"
    assert (session["status"], session["payment_status"], session["amount_total"]) == ("open", "unpaid", 3500)
    assert session["metadata"] == {"order_code": "FOR-TEST1"}
    assert session["url"] == f"{server.base_url}/pay/{session['id']}"
    assert again == session
    assert [(i["description"], i["quantity"], i["amount_total"]) for i in items["data"]] == [
        ("Standard", 2, 3000),
        ("Donation", 1, 500),
    ]


@pytest.mark.parametrize("offset", [29 * 60, 25 * 60 * 60, -60])
def test_expires_at_outside_thirty_minutes_to_a_day_is_refused(server, offset):
    status, body, _ = call(
        server, "POST", "/v1/checkout/sessions", session_params(expires_at=int(time.time()) + offset)
    )

    assert status == 400
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["param"] == "expires_at"


def test_request_without_a_key_is_refused(server):
    status, body, _ = call(server, "GET", "/v1/checkout/sessions/cs_x", key=None)

    assert status == 401
    assert "API key" in body["error"]["message"]


def test_unknown_session_is_a_stripe_shaped_404(server):
    status, body, _ = call(server, "GET", "/v1/checkout/sessions/cs_test_missing")

    assert status == 404
    assert body == {
        "error": {
            "type": "invalid_request_error",
            "code": "resource_missing",
            "param": "session",
            "message": "No such checkout.session: 'cs_test_missing'",
        }
    }


def test_expiring_an_unknown_session_is_a_stripe_shaped_404(server):
    status, body, _ = call(server, "POST", "/v1/checkout/sessions/cs_test_missing/expire")

    assert status == 404
    assert (body["error"]["type"], body["error"]["code"]) == ("invalid_request_error", "resource_missing")


def test_a_forgotten_session_answers_as_one_stripe_never_knew(server):
    _, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())

    forgot = call(server, "POST", f"/_emulator/sessions/{session['id']}/forget", key=None)
    retrieved = call(server, "GET", f"/v1/checkout/sessions/{session['id']}")
    expired = call(server, "POST", f"/v1/checkout/sessions/{session['id']}/expire")
    items = call(server, "GET", f"/v1/checkout/sessions/{session['id']}/line_items")

    assert forgot[:2] == (200, {"forgotten": session["id"]})
    assert [(r[0], r[1]["error"]["code"]) for r in (retrieved, expired, items)] == [(404, "resource_missing")] * 3
    assert server.emulator.list_events() == []  # forgetting sends nothing


def test_stripe_library_raises_resource_missing_for_a_forgotten_session(server, settings):
    settings.STRIPE_API_BASE, settings.STRIPE_SECRET_KEY = server.base_url, ""
    _, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())
    server.emulator.forget_session(session["id"])

    with pytest.raises(stripe_gateway.stripe.InvalidRequestError) as raised:
        stripe_gateway.client().v1.checkout.sessions.retrieve(session["id"])

    assert (raised.value.http_status, raised.value.code) == (404, "resource_missing")


def test_an_outage_answers_every_api_call_with_its_status_until_it_ends(server):
    _, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())

    began = call(server, "POST", "/_emulator/outage", {"status": "503"}, key=None)
    during = call(server, "GET", f"/v1/checkout/sessions/{session['id']}")
    ended = call(server, "POST", "/_emulator/outage", {"status": "0"}, key=None)
    after = call(server, "GET", f"/v1/checkout/sessions/{session['id']}")

    assert began[:2] == (200, {"status": 503})
    assert (during[0], during[1]["error"]["type"]) == (503, "api_error")
    assert ended[:2] == (200, {"status": 0})
    assert (after[0], after[1]["id"]) == (200, session["id"])


def test_same_idempotency_key_and_params_replays_the_first_answer(server):
    params = session_params()
    first = call(server, "POST", "/v1/checkout/sessions", params, idempotency_key="k-1")
    second = call(server, "POST", "/v1/checkout/sessions", params, idempotency_key="k-1")

    assert second[1] == first[1]
    assert second[2]["Idempotent-Replayed"] == "true"
    assert len(server.emulator.state.sessions) == 1


def test_same_idempotency_key_with_other_params_is_an_idempotency_error(server):
    call(server, "POST", "/v1/checkout/sessions", session_params(), idempotency_key="k-2")

    status, body, _ = call(
        server, "POST", "/v1/checkout/sessions", session_params(client_reference_id="43"), idempotency_key="k-2"
    )

    assert status == 400
    assert body["error"]["type"] == "idempotency_error"


def test_expire_closes_an_open_session_and_refuses_a_second_time(server):
    _, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())

    first = call(server, "POST", f"/v1/checkout/sessions/{session['id']}/expire")
    second = call(server, "POST", f"/v1/checkout/sessions/{session['id']}/expire")

    assert (first[0], first[1]["status"]) == (200, "expired")
    assert second[0] == 400
    assert [e["type"] for e in server.emulator.list_events()] == ["checkout.session.expired"]


def test_paying_creates_the_payment_intent_behind_the_session(server):
    _, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())

    server.emulator.pay(session["id"])
    _, paid, _ = call(server, "GET", f"/v1/checkout/sessions/{session['id']}")
    _, intent, _ = call(server, "GET", f"/v1/payment_intents/{paid['payment_intent']}")

    assert (paid["status"], paid["payment_status"]) == ("complete", "paid")
    assert (intent["status"], intent["amount_received"]) == ("succeeded", 3500)


def test_refunds_partial_then_rest_then_refuse_more(server):
    _, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())
    intent = server.emulator.pay(session["id"])["payment_intent"]

    partial = call(server, "POST", "/v1/refunds", {"payment_intent": intent, "amount": "1000"})
    too_much = call(server, "POST", "/v1/refunds", {"payment_intent": intent, "amount": "2600"})
    rest = call(server, "POST", "/v1/refunds", {"payment_intent": intent})
    again = call(server, "POST", "/v1/refunds", {"payment_intent": intent, "amount": "1"})

    assert (partial[0], partial[1]["amount"], partial[1]["status"]) == (200, 1000, "succeeded")
    assert (too_much[0], too_much[1]["error"]["code"]) == (400, "amount_too_large")
    assert (rest[0], rest[1]["amount"]) == (200, 2500)
    assert (again[0], again[1]["error"]["code"]) == (400, "charge_already_refunded")


def test_each_refund_sends_charge_refunded_with_the_charge_s_refunds_so_far(server):
    _, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())
    intent = server.emulator.pay(session["id"])["payment_intent"]

    call(server, "POST", "/v1/refunds", {"payment_intent": intent, "amount": "1000"})
    call(server, "POST", "/v1/refunds", {"payment_intent": intent})

    charges = [e["data"]["object"] for e in server.emulator.list_events(type_="charge.refunded")]
    assert sorted((c["amount_refunded"], c["refunded"]) for c in charges) == [(1000, False), (3500, True)]
    assert {(c["object"], c["payment_intent"], c["amount"]) for c in charges} == {("charge", intent, 3500)}


def test_refund_with_the_same_idempotency_key_refunds_once(server):
    _, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())
    intent = server.emulator.pay(session["id"])["payment_intent"]
    params = {"payment_intent": intent, "amount": "1000"}

    first = call(server, "POST", "/v1/refunds", params, idempotency_key="refund-1")
    second = call(server, "POST", "/v1/refunds", params, idempotency_key="refund-1")

    assert first[1]["id"] == second[1]["id"]
    assert server.emulator.get_payment_intent(intent)["amount_refunded"] == 1000


class _Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.headers["Stripe-Signature"], body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd, _Receiver.received
    httpd.shutdown()
    httpd.server_close()


def test_webhooks_are_signed_so_the_stripe_library_verifies_them(server, receiver, settings):
    httpd, received = receiver
    server.emulator.webhook_url = f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    _, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())

    server.emulator.pay(session["id"], sync=True)

    signature, payload = received[0]
    event = stripe_gateway.construct_event(payload, signature)
    assert signature.startswith("t=") and ",v1=" in signature
    assert event["type"] == "checkout.session.completed"
    assert event["data"]["object"]["id"] == session["id"]
    settings.STRIPE_WEBHOOK_SECRET = "whsec_other"
    with pytest.raises(stripe_gateway.WebhookSignatureError):
        stripe_gateway.construct_event(payload, signature)


def test_sweep_expires_lapsed_sessions_and_sends_the_event(server):
    _, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())
    server.emulator.state.sessions[session["id"]]["expires_at"] = int(time.time()) - 1

    expired = server.emulator.sweep()

    assert expired == [session["id"]]
    assert server.emulator.get_session(session["id"])["status"] == "expired"
    assert server.emulator.list_events(type_="checkout.session.expired")[0]["data"]["object"]["id"] == session["id"]


def test_hosted_page_shows_the_total_and_paying_redirects_to_success(server):
    _, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())

    with urllib.request.urlopen(session["url"]) as page:
        html = page.read().decode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(urllib.request.Request(session["url"], data=b"action=pay"))

    assert "Pay £35.00" in html
    assert '<html lang="en-GB">' in html
    assert redirect.value.code == 303
    assert redirect.value.headers["Location"] == f"https://shop.example/ok?session_id={session['id']}"
    assert server.emulator.get_session(session["id"])["payment_status"] == "paid"


def test_control_endpoint_redelivers_an_event_concurrently(server, receiver):
    httpd, received = receiver
    _, session, _ = call(server, "POST", "/v1/checkout/sessions", session_params())
    server.emulator.pay(session["id"])
    event_id = server.emulator.list_events()[0]["id"]
    server.emulator.webhook_url = f"http://127.0.0.1:{httpd.server_address[1]}/hook"

    status, body, _ = call(server, "POST", f"/_emulator/events/{event_id}/deliver", {"times": "3"}, key=None)

    assert status == 200
    assert body == {"statuses": [200, 200, 200]}
    assert len(received) == 3
