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


@pytest.fixture
def demo(db):
    """The demo festival exactly as ``make run`` loads it (``seed_demo``); its edition page."""
    from django.core.management import call_command

    from festival.models import FestivalPage

    call_command("seed_demo", verbosity=0)
    return FestivalPage.objects.get(slug="2026")


def read_qr_codes(pdf: bytes) -> list[str]:
    """Every QR code on the PDF's pages, as a phone camera would read the printed badge."""
    import pypdfium2
    import zxingcpp

    found = []
    for page in pypdfium2.PdfDocument(pdf):
        found += [result.text for result in zxingcpp.read_barcodes(page.render(scale=3).to_pil())]
    return found
