"""Journeys: a person's whole errand, in headless Chromium, against one live server and the Stripe emulator.

The live server, the browser and the emulator are shared by every journey (session fixtures);
each journey opens its own browser context, so cookies, storage and service workers never
leak from one journey into the next.
"""

import pytest

from tests.browser import serious_axe_violations

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 800}


@pytest.fixture
def open_browser(chromium, live_site, client):
    """Open a browser context at a viewport, signed in as ``user`` if one is given; closed after the test.

    Signing in sets Django's session cookie for the live server, as the login form would.
    """
    contexts = []

    def open_context(*, viewport=PHONE, user=None, **options):
        context = chromium.new_context(viewport=viewport, base_url=live_site.url, **options)
        if user is not None:
            client.force_login(user)
            session = client.cookies["sessionid"].value
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_site.url}])
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


def assert_accessible(page) -> None:
    """The page as it stands has no serious or critical axe violation (WCAG 2.2 A and AA)."""
    found = serious_axe_violations(page)
    assert found == [], f"{page.url}: {found}"
