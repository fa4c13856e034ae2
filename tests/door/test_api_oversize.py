"""A body too large for the door's API is a JSON 413 on every /door/api/ path, through every handler.

The door's own WSGI application (door.application, as door.wsgi serves it) answers these paths
with its declared middleware; the test client reaches Django's full stack (as festival.wsgi
serves it) for all of them. Over 5 MB Django itself
refuses to read a body (DATA_UPLOAD_MAX_MEMORY_SIZE); the door's own limits are lower: 32 KB,
and 2 MB for the offline sync.
"""

import json
import threading

import pytest
import requests
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import QuietWSGIRequestHandler
from django.urls import reverse

from door.application import DoorApplication
from door.views import MAX_SCAN_BODY, MAX_SYNC_BODY
from ticketing.models import CheckIn

from .test_wsgi import application, call  # noqa: F401  (the door's WSGI application, as gunicorn calls it)

SIX_MB = b'{"pad": "' + b"x" * (6 * 1024 * 1024) + b'"}'
TOO_LARGE = {"error": "too_large", "message": "That request is too large."}
PATHS = [
    ("scan", "POST"),
    ("sync", "POST"),
    ("undo", "POST"),
    ("stats", "GET"),
    ("search", "GET"),
    ("list", "GET"),
    ("token", "GET"),
    ("scan", "GET"),
    ("stats", "POST"),
    ("token", "POST"),
]


def padded(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes."""
    return b'{"pad": "' + b"x" * (size - 11) + b'"}'


@pytest.fixture
def signed_in(client, door_staff, token):
    """The headers of a door phone: its bearer token and its session cookie (for the token path)."""
    client.force_login(door_staff)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_COOKIE": f"sessionid={client.cookies['sessionid'].value}"}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), PATHS)
def test_a_6_mb_body_is_a_json_413_through_the_door_application(application, signed_in, live_festival, name, method):  # noqa: F811
    status, headers, content = call(application, method, reverse(f"door:{name}"), body=SIX_MB, headers=signed_in)

    assert status == 413
    assert headers["Content-Type"] == "application/json"
    assert json.loads(content) == TOO_LARGE
    assert "no-store" in headers["Cache-Control"]
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), PATHS)
def test_a_6_mb_body_is_a_json_413_through_django_s_handler(client, signed_in, live_festival, name, method):
    send = client.post if method == "POST" else client.generic
    args = (reverse(f"door:{name}"), SIX_MB) if method == "POST" else ("GET", reverse(f"door:{name}"), SIX_MB)

    response = send(*args, content_type="application/json", HTTP_AUTHORIZATION=signed_in["HTTP_AUTHORIZATION"])

    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    assert "no-store" in response["Cache-Control"]
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "size", "status"),
    [
        ("scan", MAX_SCAN_BODY + 1, 413),
        ("undo", MAX_SCAN_BODY + 1, 413),
        ("sync", MAX_SYNC_BODY + 1, 413),
        ("sync", 4 * 1024 * 1024, 413),  # over the sync's limit, under Django's
        ("scan", MAX_SCAN_BODY, 400),  # at the limit: read, and refused for what it says
        ("undo", MAX_SCAN_BODY, 400),
        ("sync", MAX_SYNC_BODY, 400),
    ],
)
def test_the_door_s_own_limits_hold_through_the_door_application(application, token, name, size, status):  # noqa: F811
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    answer, _, content = call(application, "POST", reverse(f"door:{name}"), body=padded(size), headers=headers)

    assert answer == status
    assert (json.loads(content)["error"] == "too_large") == (status == 413)


@pytest.fixture
def door_server():
    """The door's WSGI application served over real HTTP."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietWSGIRequestHandler, allow_reuse_address=False)
    server.set_app(DoorApplication())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["scan", "sync"])
def test_a_6_mb_body_over_http_is_a_json_413(door_server, token, name):
    response = requests.post(
        door_server + reverse(f"door:{name}"),
        data=SIX_MB,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )

    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == TOO_LARGE
    assert not CheckIn.objects.exists()
