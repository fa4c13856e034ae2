"""The site's WSGI application sends the door's bearer-token API to a lean handler (festival.handlers)."""

import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import path, reverse

from festival.handlers import bearer_api_paths, get_application
from ticketing.models import CheckIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_application()
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


def test_the_lean_paths_are_exactly_the_bearer_token_api():
    api = {reverse(f"door:{name}") for name in ("scan", "sync", "undo", "stats", "search", "list")}

    assert bearer_api_paths() == api
    assert reverse("door:token") not in api  # signed in with the session, so it needs the full stack


def test_a_scan_through_the_site_application_is_decided_and_keeps_the_security_headers(application, make_ticket, token):
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


def test_the_lean_api_still_refuses_a_request_without_a_token(application, make_ticket):
    ticket = make_ticket()
    body = json.dumps({"code": ticket.secret, "door": "Main gate", "nonce": "wsgi-2"}).encode()

    status, headers, content = call(application, "POST", reverse("door:scan"), body=body)

    assert (status, json.loads(content)["error"]) == (401, "unauthenticated")
    assert headers["WWW-Authenticate"] == 'Bearer realm="door"'
    assert headers["Cache-Control"] == "no-store, private"
    assert not CheckIn.objects.exists()


def test_the_lean_api_refuses_a_host_the_site_does_not_serve(application, make_ticket, token, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    ticket = make_ticket()
    body = json.dumps({"code": ticket.secret, "door": "Main gate", "nonce": "wsgi-3"}).encode()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_HOST": "evil.example"}

    status, _, _ = call(application, "POST", reverse("door:scan"), body=body, headers=headers)

    assert status == 400
    assert not CheckIn.objects.exists()


def test_the_session_signed_token_view_goes_through_the_full_stack(application, client, door_staff, live_festival):
    client.force_login(door_staff)
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    status, headers, content = call(
        application, "GET", reverse("door:token") + f"?edition={live_festival.pk}", headers={"HTTP_COOKIE": cookie}
    )

    assert status == 200
    assert json.loads(content)["token"]
    assert headers["X-Frame-Options"] == "DENY"  # the site's middleware answered


def test_a_bearer_api_route_with_a_parameter_is_refused_at_start_up():
    def view(request, pk):
        raise AssertionError("never called")

    view.bearer_api = True

    class Urls:
        urlpatterns = [path("api/thing/<int:pk>/", view)]

    from django.urls import URLResolver
    from django.urls.resolvers import RegexPattern

    with pytest.raises(ValueError, match="fixed path"):
        bearer_api_paths(URLResolver(RegexPattern(r"^/"), Urls))


# The scan path has its own plain WSGI endpoint (door.scan_endpoint); Django's test client
# reaches the Django view instead. Both must answer alike.

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
def test_the_scan_endpoint_answers_as_the_django_view_does(application, client, token, case):
    data, authorization = SCAN_CASES[case]
    answers = {}
    for side in ("endpoint", "view"):
        body = data if isinstance(data, bytes) else json.dumps(data).replace("SIDE", side).encode()
        headers = {"HTTP_AUTHORIZATION": authorization.replace("TOKEN", f"Bearer {token}")} if authorization else {}
        if side == "endpoint":
            status, response_headers, content = call(
                application, "POST", reverse("door:scan"), body=body, headers=headers
            )
        else:
            response = client.post(reverse("door:scan"), data=body, content_type="application/json", **headers)
            status, response_headers, content = response.status_code, response.headers, response.content
        payload = json.loads(content)
        payload.pop("check_in", None)  # each side logs its own row
        kept = ("Content-Type", "Cache-Control", "WWW-Authenticate", "X-Content-Type-Options", "Referrer-Policy")
        answers[side] = (status, payload, {name: response_headers.get(name) for name in kept})

    assert answers["endpoint"] == answers["view"]
    assert answers["endpoint"][0] != 500


def test_the_scan_endpoint_refuses_other_methods(application, token):
    status, headers, content = call(
        application, "GET", reverse("door:scan"), headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}
    )

    assert (status, headers["Allow"], content) == (405, "POST", b"")
    assert not CheckIn.objects.exists()


def test_the_scan_endpoint_sends_plain_http_to_https_when_the_site_does(settings, make_ticket, token):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        application = get_application()  # reads the security settings at start-up, as Django's handler does
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


def test_an_error_in_the_scan_endpoint_is_logged_and_answered_with_the_sites_500(
    application, token, monkeypatch, caplog
):
    import door.scan_endpoint

    def broken(*args, **kwargs):
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(door.scan_endpoint, "scan_answer", broken)
    body = json.dumps({"code": "A" * 28, "door": "Main gate", "nonce": "err-1"}).encode()

    status, headers, content = call(
        application, "POST", reverse("door:scan"), body=body, headers={"HTTP_AUTHORIZATION": f"Bearer {token}"}
    )

    assert status == 500
    assert b"the database fell over" not in content
    assert headers["Cache-Control"] == "no-store, private"
    assert any(r.name == "django.request" and r.exc_info for r in caplog.records)
