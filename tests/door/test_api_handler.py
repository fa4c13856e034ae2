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
