"""Fixtures for the door: an edition that is on today, door staff, tokens and tickets."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from door.auth import clear_caches, issue_token


@pytest.fixture(autouse=True)
def _midday(monkeypatch):
    """The door's tests run at midday today on the festival's clock, whatever the hour they run at.

    They scan "five minutes ago" or "half an hour ago" and expect the same festival day; run in
    the first half hour after midnight, such a scan fell on the day before. The clock still runs.
    """
    real_now = timezone.now
    started = real_now()
    london = ZoneInfo("Europe/London")  # the live edition's time zone
    midday = datetime.combine(started.astimezone(london).date(), time(12), tzinfo=london)
    monkeypatch.setattr(timezone, "now", lambda: midday + (real_now() - started))


@pytest.fixture(autouse=True)
def _fresh_door_caches():
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def token(door_staff, live_festival):
    return issue_token(user=door_staff, festival=live_festival)


@pytest.fixture
def api(client, token):
    """POST/GET JSON to the check-in API with the door staff's bearer token."""

    class Api:
        def post(self, name, data=None, *, raw=None, auth=token):
            from django.urls import reverse

            body = raw if raw is not None else __import__("json").dumps(data or {})
            headers = {"HTTP_AUTHORIZATION": f"Bearer {auth}"} if auth else {}
            return client.post(reverse(f"door:{name}"), body, content_type="application/json", **headers)

        def get(self, name, params=None, *, auth=token):
            from django.urls import reverse

            headers = {"HTTP_AUTHORIZATION": f"Bearer {auth}"} if auth else {}
            return client.get(reverse(f"door:{name}"), params or {}, **headers)

    return Api()
