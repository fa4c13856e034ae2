"""The door's own WSGI application (door.wsgi, built by door.application): the bearer-token API
only, with its declared middleware, answering as Django's full stack does for the same paths."""

import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import URLPattern, get_resolver, reverse

import festival.wsgi
from door import views
from door.application import DoorApplication
from door.middleware import API_POLICY
from ticketing.models import CheckIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield DoorApplication()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(application, method, url, *, body=b"", headers=None):
    """One request through the WSGI callable, as gunicorn makes it: (status, headers, body)."""
    path_info, _, query = url.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        **(headers or {}),
    }
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    response = application(environ, start_response)
    try:
        content = b"".join(response)
    finally:
        if hasattr(response, "close"):  # as the WSGI spec asks of a server
            response.close()
    return answer["status"], answer["headers"], content


def bearer_api_routes() -> set[str]:
    """Every path in door.urls whose view is marked ``bearer_api`` by ``door.views.door_api``."""
    door = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "door")
    names = {
        p.name for p in door.url_patterns if isinstance(p, URLPattern) and getattr(p.callback, "bearer_api", False)
    }
    return {reverse(f"door:{name}") for name in names}


def test_the_door_application_serves_exactly_the_bearer_token_api(application):
    api = {reverse(f"door:{name}") for name in ("scan", "sync", "undo", "stats", "search", "list")}

    assert set(application.views) == bearer_api_routes() == api
    assert reverse("door:token") not in api  # signed in with the session, so it needs the full stack


def test_a_scan_through_the_door_application_is_decided_and_keeps_the_security_headers(application, make_ticket, token):
    ticket = make_ticket(attendee_name="Claudia Jones")
    body = json.dumps({"code": ticket.secret, "door": "Main gate", "nonce": "wsgi-1"}).encode()

    status, headers, content = call(
        application, "POST", reverse("door:scan"), body=body, headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}
    )

    assert status == 200
    assert json.loads(content)["result"] == "admitted"
    assert CheckIn.objects.get().ticket_id == ticket.pk
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "no-store" in headers["Cache-Control"]
    assert "Set-Cookie" not in headers  # no session or CSRF cookie on the API


def test_the_door_application_refuses_a_request_without_a_token(application, make_ticket):
    ticket = make_ticket()
    body = json.dumps({"code": ticket.secret, "door": "Main gate", "nonce": "wsgi-2"}).encode()

    status, headers, content = call(application, "POST", reverse("door:scan"), body=body)

    assert (status, json.loads(content)["error"]) == (401, "unauthenticated")
    assert headers["WWW-Authenticate"] == 'Bearer realm="door"'
    assert headers["Cache-Control"] == "no-store, private"
    assert not CheckIn.objects.exists()


def test_the_door_application_refuses_a_host_the_site_does_not_serve(application, make_ticket, token, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    ticket = make_ticket()
    body = json.dumps({"code": ticket.secret, "door": "Main gate", "nonce": "wsgi-3"}).encode()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_HOST": "evil.example"}

    status, _, _ = call(application, "POST", reverse("door:scan"), body=body, headers=headers)

    assert status == 400
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("url", ["/door/api/token/", "/door/", "/door/api/nothing/", "/healthz", "/"])
def test_a_path_the_door_application_does_not_serve_is_a_json_404(application, url):
    status, headers, content = call(application, "GET", url)

    assert status == 404
    assert headers["Content-Type"] == "application/json"
    assert json.loads(content)["error"] == "not_found"
    assert headers["Cache-Control"] == "no-store, private"
    assert headers["X-Content-Type-Options"] == "nosniff"  # through the declared middleware


def test_the_door_application_sends_django_s_request_signals(application):
    seen = []

    def started(sender, **kwargs):
        seen.append(("started", kwargs["environ"]["PATH_INFO"]))

    def finished(sender, **kwargs):
        seen.append(("finished", None))

    request_started.connect(started)
    request_finished.connect(finished)
    try:
        call(application, "GET", reverse("door:stats"))
    finally:
        request_started.disconnect(started)
        request_finished.disconnect(finished)

    assert seen == [("started", reverse("door:stats")), ("finished", None)]


@pytest.fixture
def site_application():
    """festival.wsgi's application (Django's handler and the site's full middleware), as gunicorn loads it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield festival.wsgi.application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_site_s_own_application_still_answers_the_api_through_the_full_stack(site_application, make_ticket, token):
    ticket = make_ticket(attendee_name="Claudia Jones")
    body = json.dumps({"code": ticket.secret, "door": "Main gate", "nonce": "site-1"}).encode()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    scan = call(site_application, "POST", reverse("door:scan"), body=body, headers=auth)
    stats = call(site_application, "GET", reverse("door:stats"), headers=auth)
    refused = call(site_application, "GET", reverse("door:list"))

    assert (scan[0], json.loads(scan[2])["result"]) == (200, "admitted")
    assert scan[1]["X-Frame-Options"] == "DENY"  # the site's full middleware answered
    assert "Set-Cookie" not in scan[1]
    assert (stats[0], json.loads(stats[2])["arrivals"]) == (200, 1)
    assert (refused[0], json.loads(refused[2])["error"]) == (401, "unauthenticated")


# Django's test client reaches the same views through the site's full stack (door.urls), as
# festival.wsgi serves them. Both must answer alike.

SCAN_CASES = {
    "no token": ({"code": "A" * 28, "door": "Main gate", "nonce": "p-1"}, None),
    "a forged token": ({"code": "A" * 28, "door": "Main gate", "nonce": "p-2"}, "Bearer forged:token:sig"),
    "an empty body": (b"", "TOKEN"),
    "a JSON list": (b"[1, 2]", "TOKEN"),
    "binary junk": (b"\xff\xfe\x00junk", "TOKEN"),
    "a body of 40 KB": ({"code": "A" * 40_000, "door": "Main gate", "nonce": "p-3"}, "TOKEN"),
    "a body of 40 KB and no token": ({"code": "A" * 40_000, "door": "Main gate", "nonce": "p-5"}, None),
    "a body of 6 MB": ({"code": "A" * 6_000_000, "door": "Main gate", "nonce": "p-6"}, "TOKEN"),
    "no nonce": ({"code": "A" * 28, "door": "Main gate"}, "TOKEN"),
    "no door": ({"code": "A" * 28, "nonce": "p-4"}, "TOKEN"),
    "a code of 10 KB": ({"code": "Z" * 10_000, "door": "Main gate", "nonce": "SIDE-5"}, "TOKEN"),
    "an unknown secret": ({"code": "A" * 28, "door": "Main gate", "nonce": "SIDE-6"}, "TOKEN"),
}


@pytest.mark.parametrize("case", SCAN_CASES)
def test_the_door_application_answers_a_scan_as_the_full_stack_does(application, client, token, case):
    data, authorization = SCAN_CASES[case]
    answers = {}
    for side in ("door", "site"):
        body = data if isinstance(data, bytes) else json.dumps(data).replace("SIDE", side).encode()
        headers = {"HTTP_AUTHORIZATION": authorization.replace("TOKEN", f"Bearer {token}")} if authorization else {}
        if side == "door":
            status, response_headers, content = call(
                application, "POST", reverse("door:scan"), body=body, headers=headers
            )
        else:
            response = client.post(reverse("door:scan"), data=body, content_type="application/json", **headers)
            status, response_headers, content = response.status_code, response.headers, response.content
        payload = json.loads(content)
        payload.pop("check_in", None)  # each side logs its own row
        kept = ("Content-Type", "Cache-Control", "WWW-Authenticate", "X-Content-Type-Options", "Referrer-Policy",
                "Content-Security-Policy")  # fmt: skip
        answers[side] = (status, payload, {name: response_headers.get(name) for name in kept})

    assert answers["door"] == answers["site"]
    assert answers["door"][0] != 500


def test_the_door_application_refuses_other_methods(application, token):
    status, headers, content = call(
        application, "GET", reverse("door:scan"), headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}
    )

    assert (status, headers["Allow"], content) == (405, "POST", b"")
    assert not CheckIn.objects.exists()


def test_the_door_application_sends_plain_http_to_https_when_the_site_does(settings, make_ticket, token):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        application = DoorApplication()  # reads the security settings at start-up, as Django's handler does
        ticket = make_ticket()
        body = json.dumps({"code": ticket.secret, "door": "Main gate", "nonce": "tls-1"}).encode()
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

        plain = call(application, "POST", reverse("door:scan"), body=body, headers=auth)
        assert not CheckIn.objects.exists()
        secure = call(
            application, "POST", reverse("door:scan"), body=body, headers={**auth, "wsgi.url_scheme": "https"}
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    assert (plain[0], plain[1]["Location"]) == (301, "https://testserver/door/api/scan/")
    assert "Strict-Transport-Security" not in plain[1]
    assert secure[0] == 200
    assert json.loads(secure[2])["result"] == "admitted"
    assert secure[1]["Strict-Transport-Security"].startswith("max-age=3600")


def test_an_error_in_the_door_application_is_logged_and_answered_with_the_sites_500(
    application, token, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(views, "scan_answer", broken)
    body = json.dumps({"code": "A" * 28, "door": "Main gate", "nonce": "err-1"}).encode()

    status, headers, content = call(
        application, "POST", reverse("door:scan"), body=body, headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}
    )

    assert status == 500
    assert b"the database fell over" not in content
    assert headers["Cache-Control"] == "no-store, private"
    assert any(r.name == "django.request" and r.exc_info for r in caplog.records)


def test_the_door_api_sends_one_constant_policy_through_either_stack(application, client, token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    _, scan_headers, _ = call(application, "POST", reverse("door:scan"), body=b"{}", headers=auth)
    _, refusal_headers, _ = call(application, "POST", reverse("door:scan"), body=b"{}")
    _, missing_headers, _ = call(application, "GET", "/door/api/nothing/")
    site = client.post(reverse("door:scan"), data=b"{}", content_type="application/json", **auth)

    assert scan_headers["Content-Security-Policy"] == API_POLICY == "default-src 'none'; frame-ancestors 'none'"
    assert refusal_headers["Content-Security-Policy"] == missing_headers["Content-Security-Policy"] == API_POLICY
    assert site["Content-Security-Policy"] == API_POLICY
