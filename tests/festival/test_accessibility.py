"""The site shell meets WCAG 2.2 AA as axe-core sees it, on a phone and a laptop."""

import pytest

from festival.demo import upsert_child
from festival.models import StandardPage
from tests.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}


@pytest.fixture
def pages(festival):
    about = upsert_child(festival, StandardPage, slug="about", title="About the festival", intro="Who we are.")
    return {"home": "/", "festival": festival.url, "about": about.url, "search": "/search/?q=festival"}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_shell_pages_have_no_axe_violations(chromium, live_server, pages, viewport):
    context = chromium.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    found = {}

    for name, path in pages.items():
        page.goto(live_server.url + path)
        found[name] = axe_violations(page)

    context.close()
    assert found == {name: [] for name in pages}


def test_skip_link_is_first_and_moves_focus_to_main(chromium, live_server, pages):
    page = chromium.new_page()
    page.goto(live_server.url + pages["festival"])

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    page.keyboard.press("Enter")
    target = page.evaluate("location.hash")

    page.close()
    assert focused == "Skip to main content"
    assert target == "#main"
