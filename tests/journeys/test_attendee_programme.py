"""Journey: an attendee browses the demo programme on a laptop and a phone, filters it, stars two
sessions, opens "my programme" and downloads it as a calendar."""

from pathlib import Path

import pytest
from icalendar import Calendar

from programme.models import ProgrammePage, SessionPage, Track
from tests.browser import LAPTOP, PHONE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_attendee_browses_filters_stars_and_takes_their_programme_away(open_browser, demo):
    programme = ProgrammePage.objects.child_of(demo).live().get()
    sessions = SessionPage.objects.live().descendant_of(programme)
    context = open_browser(viewport=LAPTOP)
    page = context.new_page()

    # The grid on a laptop: every live session placed on its day's grid.
    page.goto(demo.url)
    page.get_by_role("link", name="Programme").first.click()
    page.wait_for_selector(".day-grid")
    assert page.eval_on_selector(".day-grid", "grid => getComputedStyle(grid).display") == "grid"
    assert page.locator(".day-grid .slot").count() == sessions.count()
    assert_accessible(page)

    # Filter by a track: only that track's sessions are left.
    track = Track.objects.filter(sessions__in=sessions).distinct().order_by("sort_order").first()
    page.select_option("#filter-track", track.slug)
    page.click("button:has-text('Show sessions')")
    page.wait_for_selector("a:has-text('Clear filters')")
    shown = page.locator(".slot[data-session]").evaluate_all("slots => slots.map(s => Number(s.dataset.session))")
    assert sorted(shown) == sorted(sessions.filter(track=track).values_list("pk", flat=True))
    assert_accessible(page)
    page.click("a:has-text('Clear filters')")

    # Star two sessions from the grid.
    first, second = sessions.order_by("start", "pk")[:2]
    for session in (first, second):
        page.click(f".slot[data-session='{session.pk}'] button.star")
        page.wait_for_selector(f".slot[data-session='{session.pk}'] button.star[aria-pressed='true']")
    assert "Starred" in page.text_content("[data-star-status]")

    # On a phone the same programme is a list, and the stars are still there.
    phone = context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(page.url)
    phone.wait_for_selector(".day-grid")
    assert phone.eval_on_selector(".day-grid", "grid => getComputedStyle(grid).display") != "grid"
    pressed = phone.locator("button.star[aria-pressed='true']").evaluate_all(
        "buttons => buttons.map(b => Number(b.dataset.star))"
    )
    assert sorted(pressed) == sorted([first.pk, second.pk])
    assert_accessible(phone)

    # My programme lists exactly the starred two, and its calendar holds them.
    phone.click("nav.programme-nav >> text=My programme")
    phone.wait_for_selector("[data-my-download]:not([hidden])")
    listed = phone.locator(".slot.is-starred").evaluate_all("slots => slots.map(s => Number(s.dataset.session))")
    assert sorted(listed) == sorted([first.pk, second.pk])
    assert_accessible(phone)
    with phone.expect_download() as download:
        phone.click("text=Download my programme as a calendar file")
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    assert sorted(events) == sorted([first.title, second.title])
    assert events[first.title].decoded("dtstart") == first.start
