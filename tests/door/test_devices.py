"""Door devices on the check-in API: a revoked device's token is refused by both stacks, and each
device is throttled (429 JSON) past its rate."""

import json

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse

from door import devices
from door.auth import issue_token
from door.models import DoorDevice
from ticketing.models import CheckIn

from .test_wsgi import application  # noqa: F401  (the door's own WSGI application, as its tests drive it)
from .test_wsgi import call as wsgi_call


def call(application, *args, **kwargs):  # noqa: F811
    """``test_wsgi.call``, with the test's connection kept open: Django's test client, used between
    these calls, connects ``close_old_connections`` to the request signals again after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    return wsgi_call(application, *args, **kwargs)


pytestmark = pytest.mark.django_db


def scan_body(code: str, nonce: str) -> bytes:
    return json.dumps({"code": code, "door": "Main gate", "nonce": nonce}).encode()


def both_stacks(client, application, method, name, token, body=b""):  # noqa: F811
    """(status, error code) from the site's full stack and from the door's own WSGI application."""
    url = reverse(f"door:{name}")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "POST":
        site = client.post(url, body, content_type="application/json", **auth)
    else:
        site = client.get(url, **auth)
    status, _, content = call(application, method, url, body=body, headers=auth)
    return (site.status_code, site.json().get("error")), (status, json.loads(content).get("error"))


def test_a_revoked_devices_token_is_refused_at_once_by_both_stacks(
    client,
    application,  # noqa: F811
    token,
    door_staff,
    make_ticket,
):
    ticket = make_ticket()
    before = client.post(
        reverse("door:scan"),
        scan_body(ticket.secret, "n0"),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    device = DoorDevice.objects.get(user=door_staff)

    devices.revoke_device(device_id=device.pk, by=door_staff)

    assert before.status_code == 200
    for method, name, body in [
        ("POST", "scan", scan_body(ticket.secret, "n1")),
        ("POST", "sync", json.dumps({"scans": []}).encode()),
        ("POST", "undo", json.dumps({"check_in": before.json()["check_in"]}).encode()),
        ("GET", "list", b""),
        ("GET", "stats", b""),
        ("GET", "search", b""),
    ]:
        site, door = both_stacks(client, application, method, name, token, body)
        assert site == door == (401, "device_revoked"), name
    assert CheckIn.objects.count() == 1  # only the scan made before
    assert CheckIn.objects.get().undone_at is None


def test_a_revoked_device_stays_refused_when_the_shared_cache_loses_it(
    client,
    application,  # noqa: F811
    token,
    door_staff,
):
    device = DoorDevice.objects.get(user=door_staff)
    devices.revoke_device(device_id=device.pk, by=door_staff)

    cache.clear()  # Redis restarted, or the entry evicted
    devices.clear_caches()  # and a process that never saw the revocation

    assert both_stacks(client, application, "GET", "stats", token) == ((401, "device_revoked"),) * 2


def test_a_device_that_is_not_revoked_is_still_served_when_the_cache_loses_it(client, token):
    cache.clear()
    devices.clear_caches()

    response = client.get(reverse("door:stats"), HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200


def test_revoking_one_device_leaves_the_same_users_other_devices_scanning(client, door_staff, live_festival):
    lost, kept = (
        issue_token(user=door_staff, festival=live_festival),
        issue_token(user=door_staff, festival=live_festival),
    )
    first = DoorDevice.objects.order_by("pk").first()

    devices.revoke_device(device_id=first.pk, by=door_staff)
    answers = [client.get(reverse("door:stats"), HTTP_AUTHORIZATION=f"Bearer {t}").status_code for t in (lost, kept)]

    assert answers == [401, 200]


def test_the_api_notes_when_a_device_was_last_seen_at_most_once_a_minute(client, token, door_staff, monkeypatch):
    device = DoorDevice.objects.get(user=door_staff)
    DoorDevice.objects.filter(pk=device.pk).update(last_seen_at=None)
    devices.clear_caches()  # a process that has not seen it yet

    client.get(reverse("door:stats"), HTTP_AUTHORIZATION=f"Bearer {token}")
    seen = DoorDevice.objects.get(pk=device.pk).last_seen_at
    DoorDevice.objects.filter(pk=device.pk).update(last_seen_at=None)
    client.get(reverse("door:stats"), HTTP_AUTHORIZATION=f"Bearer {token}")

    assert seen is not None
    assert DoorDevice.objects.get(pk=device.pk).last_seen_at is None  # not written again within the minute


def test_a_device_past_its_rate_gets_429_json_on_both_stacks(
    client,
    application,  # noqa: F811
    token,
    door_staff,
    live_festival,
    settings,
):
    settings.DOOR_TOKEN_RATE = (5, 60)
    settings.DOOR_TOKEN_RATE_SAMPLE = 1
    other = issue_token(user=door_staff, festival=live_festival)
    url = reverse("door:stats")

    statuses = [client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code for _ in range(5)]
    site = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    status, headers, content = call(application, "GET", url, headers={"HTTP_AUTHORIZATION": f"Bearer {token}"})
    other_device = client.get(url, HTTP_AUTHORIZATION=f"Bearer {other}")

    assert statuses == [200] * 5
    assert (site.status_code, site.json()["error"]) == (429, "too_many_requests")
    assert site["Retry-After"] == "60"
    assert "Wait a minute" in site.json()["message"]
    assert (status, json.loads(content)["error"]) == (429, "too_many_requests")
    assert headers["Content-Type"] == "application/json"
    assert other_device.status_code == 200  # the limit is each device's own


def test_the_throttle_counts_every_request_though_it_asks_the_cache_only_every_few(client, token, settings):
    settings.DOOR_TOKEN_RATE = (10, 60)
    settings.DOOR_TOKEN_RATE_SAMPLE = 4
    url = reverse("door:stats")

    statuses = [client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code for _ in range(12)]

    # Counted at the 4th (4), 8th (8) and 12th (12 > 10) request: refused from the 12th.
    assert statuses == [200] * 11 + [429]
