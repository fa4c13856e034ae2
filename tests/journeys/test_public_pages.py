"""Journey: a visitor goes round every public page of the demo festival on a phone and a laptop.

Each page answers, keeps to the site's Content-Security-Policy (checked for every browser test) and passes
axe with no serious or critical violation. On the phone the main menu is a disclosure button; the home page
shows the dates, place, a tickets button and the programme on its first screen at both widths.

With ``JOURNEY_SCREENSHOTS=<folder>`` set, each page is also saved there as a full-page PNG, for looking at.
"""

import os
import re
from pathlib import Path

import pytest

from programme.models import ProgrammePage, SessionPage
from speakers.models import SpeakerPage
from tests.browser import LAPTOP, PHONE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("JOURNEY_SCREENSHOTS", "")


def public_pages(demo) -> dict[str, str]:
    programme = ProgrammePage.objects.child_of(demo).live().get()
    session = SessionPage.objects.child_of(programme).live().order_by("start", "pk").first()
    speaker = SpeakerPage.objects.descendant_of(demo).live().order_by("title").first()
    return {
        "home": "/",
        "edition": demo.url,
        "programme": programme.url,
        "session": session.url,
        "speakers": speaker.get_parent().url,
        "speaker": speaker.url,
        "about": demo.about_page.url,
        "access": demo.access_page.url,
        "privacy": "/privacy/",
        "shop": f"/tickets/{demo.slug}/",
        "my-programme": f"{programme.url}my/",
        "now-and-next": f"{programme.url}now/",
        "order-lookup": "/tickets/orders/lost-link/",
        "not-found": "/no-such-page/",
    }


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_every_public_page_answers_and_passes_axe(open_browser, demo, viewport):
    page = open_browser(viewport=viewport).new_page()

    for name, path in public_pages(demo).items():
        response = page.goto(path)
        assert response.status == (404 if name == "not-found" else 200), name
        assert page.locator("h1").count() == 1, name
        assert_accessible(page)
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SCREENSHOTS}/{name}-{viewport['width']}.png", full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_the_home_page_shows_dates_place_tickets_and_programme_on_its_first_screen(open_browser, demo, viewport):
    page = open_browser(viewport=viewport).new_page()
    page.goto("/")

    hero = page.locator(".hero")
    for visible in (
        hero.locator("h1"),
        hero.locator(".when-where__when"),
        hero.get_by_text(demo.venue_name),
        hero.get_by_role("link", name="Buy tickets"),
        hero.get_by_role("link", name="See the programme"),
    ):
        box = visible.bounding_box()
        assert box is not None and box["y"] + box["height"] <= viewport["height"], visible

    page.locator(".hero").get_by_role("link", name="Buy tickets").click()
    page.wait_for_url(re.compile(rf"/tickets/{demo.slug}/$"))


def test_on_a_phone_the_menu_opens_from_its_button_and_leads_to_each_section(open_browser, demo):
    page = open_browser(viewport=PHONE).new_page()
    page.goto("/")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")

    assert menu.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert [link.strip() for link in nav.get_by_role("link").all_inner_texts()] == [
        "Programme",
        "Speakers",
        "Tickets",
        "About",
        "Access",
    ]
    assert_accessible(page)

    nav.get_by_role("link", name="Access").click()
    page.wait_for_url(f"**{demo.access_page.url}")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    assert crumbs.locator("[aria-current='page']").inner_text() == demo.access_page.title
    page.keyboard.press("Escape")  # nothing open: no harm
    assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "false"


def test_on_a_laptop_the_menu_is_always_shown(open_browser, demo):
    page = open_browser(viewport=LAPTOP).new_page()
    page.goto(demo.url)

    assert not page.get_by_role("button", name="Menu").is_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Speakers").click()
    page.wait_for_selector(".speaker-cards")
    assert page.get_by_role("navigation", name="Main").locator("[aria-current='page']").inner_text() == "Speakers"
