"""The programme grid in headless Chromium, with the demo programme: readable at a glance on a laptop,
sessions first on a phone."""

import pytest
from django.core.management import call_command

from festival.models import FestivalPage
from programme.models import ProgrammePage, SessionPage
from tests.browser import LAPTOP, PHONE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every card, piece of a card, and stage name whose text does not fit its box (a pixel of rounding
# allowed; text meant for screen readers alone is clipped on purpose).
CLIPPED = """() => [...document.querySelectorAll(
    '.day-grid .session-card, .day-grid .session-card :not(.visually-hidden, .star__label), .day-grid .stage-head')]
  .filter(el => el.getClientRects().length)
  .filter(el => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
  .map(el => (el.closest('[data-session]') || el).dataset.session || el.textContent.trim())"""


@pytest.fixture
def demo_programme(db):
    call_command("seed_demo", verbosity=0)
    festival = FestivalPage.objects.get(slug="2026")
    return ProgrammePage.objects.child_of(festival).live().get()


def test_no_card_or_stage_name_is_clipped_on_a_laptop(open_browser, demo_programme):
    page = open_browser(viewport=LAPTOP).new_page()

    page.goto(demo_programme.url)
    page.wait_for_selector(".day-grid .slot")
    clipped = page.evaluate(CLIPPED)
    cards = page.locator(".day-grid .session-card").count()

    assert cards == SessionPage.objects.live().descendant_of(demo_programme).count()
    assert clipped == []


def test_a_compact_card_shows_title_time_and_speakers_and_opens_the_session(open_browser, demo_programme):
    session = SessionPage.objects.live().descendant_of(demo_programme).filter(speaker_links__isnull=False).first()
    page = open_browser(viewport=LAPTOP).new_page()
    page.goto(demo_programme.url)
    card = page.locator(f".day-grid .slot[data-session='{session.pk}'] .session-card")

    shown = card.inner_text()
    card.get_by_role("link", name=session.title).click()
    page.wait_for_load_state()

    assert session.title in shown
    assert f"{session.start.astimezone(demo_programme.get_parent().specific.tz):%H:%M}" in shown
    assert session.speaker_links.first().speaker.title in shown
    assert page.locator("h1").inner_text() == session.title


def test_on_a_phone_the_sessions_come_first_and_the_filters_wait_behind_a_button(open_browser, demo_programme):
    sessions = SessionPage.objects.live().descendant_of(demo_programme)
    page = open_browser(viewport=PHONE).new_page()
    page.goto(demo_programme.url)
    first_card = page.locator(".slot .session-card").first

    top = first_card.bounding_box()["y"]
    hidden_at_first = not page.locator("#filter-track").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Filter the programme").click()
    page.select_option("#filter-track", label=sessions.exclude(track=None).first().track.name)
    page.get_by_role("button", name="Show sessions").click()
    page.wait_for_selector("a:has-text('Clear filters')")
    track = sessions.exclude(track=None).first().track
    shown = page.locator(".slot[data-session]").evaluate_all("slots => slots.map(s => Number(s.dataset.session))")

    assert top + 40 < PHONE["height"]
    assert hidden_at_first
    assert sorted(shown) == sorted(sessions.filter(track=track).values_list("pk", flat=True))
