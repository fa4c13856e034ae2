"""A visitor switches the site to Cymraeg from the footer, shops in Welsh, and switches back (in Chromium)."""

import pytest

from festival.demo import upsert_child
from festival.models import StandardPage
from tests.browser import LAPTOP, PHONE, assert_accessible
from ticketing.models import TicketType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_visitor_switches_to_welsh_shops_in_welsh_and_switches_back(open_browser, home, live_festival, viewport):
    upsert_child(home, StandardPage, slug="about", title="About the festival", show_in_menus=True)
    TicketType.objects.create(festival=live_festival, name="Standard", price=3500, capacity=100)
    page = open_browser(viewport=viewport, locale="en-GB").new_page()
    page.goto(live_festival.url)
    assert page.get_attribute("html", "lang") == "en-gb"

    page.get_by_role("button", name="Cymraeg").click()
    page.wait_for_selector('html[lang="cy"]')
    menu = page.locator(".site-nav").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Prynu tocynnau").click()
    page.get_by_role("heading", name="Dewiswch eich tocynnau").wait_for()
    shop_heading = page.get_by_role("heading", name="Dewiswch eich tocynnau").count()
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    page.wait_for_selector('html[lang="en-gb"]')

    assert "Tocynnau" in menu and "About the festival" in menu  # the site's word in Welsh; the editor's as written
    assert shop_heading == 1
    assert page.get_by_role("heading", name="Choose your tickets").count() == 1  # back on the shop, in English
    assert page.locator('.language-switch [aria-current="true"]').inner_text() == "English"
