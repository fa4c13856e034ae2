"""Fixtures shared by every app's tests."""

import os
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from festival import roles
from festival.demo import seed_site, upsert_child
from festival.models import FestivalPage
from stripe_emulator import EmulatorServer
from tests.browser import CSP_VIOLATIONS, PHONE
from tests.ticketing.factories import TicketFactory, TicketTypeFactory, UserFactory


@pytest.fixture
def home(db):
    """The site's home page, as the default site's root."""
    return seed_site()


@pytest.fixture
def festival(home):
    """A live three-day edition in October 2026."""
    return upsert_child(
        home,
        FestivalPage,
        slug="2026",
        title="Festival of Resistance 2026",
        start_date=date(2026, 10, 16),
        end_date=date(2026, 10, 18),
        venue_name="Northern Co-operative Hall",
        time_zone="Europe/London",
        status=FestivalPage.Status.ON_SALE,
    )


@pytest.fixture
def live_festival(home):
    """An edition running yesterday, today and tomorrow (in its own time zone), so its badges get in today."""
    today = timezone.localdate(timezone=ZoneInfo("Europe/London"))
    return upsert_child(
        home,
        FestivalPage,
        slug="live",
        title="Festival of Resistance Live",
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=1),
        venue_name="Northern Co-operative Hall",
        time_zone="Europe/London",
        status=FestivalPage.Status.ON_SALE,
    )


@pytest.fixture
def groups(home):
    """The role groups (editor, box office, door staff, ...), by name."""
    return roles.sync_roles(root_page=home)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole run (Debian's, driven by Playwright)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, CspWatchedBrowser

    # Playwright's sync API refuses to run inside an event loop; Django's ORM calls from
    # the test thread are safe here because the browser runs in its own process.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield CspWatchedBrowser(browser)
        browser.close()


@pytest.fixture(autouse=True)
def _no_csp_violations():
    """A test whose browser pages broke the site's Content-Security-Policy fails (tests/browser.py)."""
    CSP_VIOLATIONS.clear()
    yield
    found, CSP_VIOLATIONS[:] = list(CSP_VIOLATIONS), []
    if found:
        pytest.fail("Content-Security-Policy violations in the browser:\n" + "\n".join(found), pytrace=False)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached pages and headers must not outlive a test's database."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def emulator_server():
    server = EmulatorServer(port=0, sweep_interval=3600).start()
    server.emulator.retry_delays = ()  # tests deliver once; redelivery is tested on purpose
    yield server
    server.stop()


@pytest.fixture
def stripe_emulator(emulator_server, settings):
    """The emulator, with the site's stripe library pointed at it; webhooks go nowhere until ``live_site``."""
    settings.STRIPE_API_BASE = emulator_server.base_url
    settings.STRIPE_SECRET_KEY = ""
    emulator_server.emulator.webhook_url = ""
    emulator_server.emulator.webhook_secret = settings.STRIPE_WEBHOOK_SECRET
    return emulator_server


@pytest.fixture
def live_site(live_server, stripe_emulator, settings):
    """A live server that receives the emulator's webhooks, and SITE_URL pointing at it."""
    settings.SITE_URL = live_server.url
    stripe_emulator.emulator.webhook_url = live_server.url + reverse("ticketing:stripe_webhook")
    yield live_server
    stripe_emulator.emulator.webhook_url = ""


@pytest.fixture
def open_browser(chromium, live_site, client):
    """Open a browser context at a viewport, signed in as ``user`` if one is given; closed after the test.

    Signing in sets Django's session cookie for the live server, as the login form would.
    """
    contexts = []

    def open_context(*, viewport=None, user=None, **options):
        context = chromium.new_context(viewport=viewport or PHONE, base_url=live_site.url, **options)
        if user is not None:
            client.force_login(user)
            session = client.cookies["sessionid"].value
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_site.url}])
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


def pytest_collection_modifyitems(config, items):
    """``postgres_only`` tests run in the PostgreSQL pass and are deselected (not skipped) in SQLite's."""
    if connection.vendor == "postgresql":
        return
    chosen = [item for item in items if item.get_closest_marker("postgres_only") is None]
    if len(chosen) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in chosen])
        items[:] = chosen


# Tickets of the edition on today and door staff: the door's tests and bulk badge printing's.


@pytest.fixture
def door_staff(groups):
    user = UserFactory(username="dev", first_name="Dev")
    user.set_password("door-pass-123")
    user.save()
    user.groups.add(groups[roles.DOOR_STAFF])
    return user


@pytest.fixture
def weekend(live_festival):
    return TicketTypeFactory(festival=live_festival, name="Weekend")


@pytest.fixture
def make_ticket(weekend):
    def make(**fields):
        fields.setdefault("ticket_type", weekend)
        return TicketFactory(**fields)

    return make
