"""Journey: an editor builds a new edition's page from blocks in Wagtail's page editor, with no developer.

Signed in through the admin's own login form as a user with the Editor role, in headless Chromium: they add a
hero and a featured-sessions block to the new edition's empty body, publish, and the public page shows the
edition's dates, place and tickets button under their heading, and its next sessions. The public page passes
axe (no serious or critical violation).
"""

from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from festival import roles
from festival.demo import upsert_child
from festival.models import FestivalPage
from programme.models import ProgrammePage, SessionFormat, SessionPage, Stage
from tests.browser import LAPTOP, PHONE, assert_accessible
from tests.ticketing.factories import TicketTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-editor-password"


@pytest.fixture
def editor(home):
    groups = roles.sync_roles(root_page=home)
    user = User.objects.create_user("esme", email="esme@festival.invalid", password=PASSWORD, first_name="Esme")
    user.groups.add(groups[roles.EDITOR])
    return user


@pytest.fixture
def new_edition(home):
    """Next year's edition, on sale, with a programme of three sessions and a page with nothing on it yet."""
    start = timezone.localdate() + timedelta(days=60)
    edition = upsert_child(
        home,
        FestivalPage,
        slug="2027",
        title="Festival of Resistance 2027",
        start_date=start,
        end_date=start + timedelta(days=1),
        venue_name="Leeds Trades Club",
        status=FestivalPage.Status.ON_SALE,
    )
    TicketTypeFactory(festival=edition)
    stage = Stage.objects.create(edition=edition, name="Main Hall", slug="main-hall", capacity=300)
    talk = SessionFormat.objects.create(edition=edition, name="Talk", slug="talk")
    programme = upsert_child(edition, ProgrammePage, slug="programme", title="Programme")
    for hour, title in ((10, "Organising the unorganised"), (12, "Land for the many"), (14, "Closing assembly")):
        begins = datetime.combine(start, time(hour), tzinfo=edition.tz)
        upsert_child(
            programme, SessionPage, slug=f"session-{hour}", title=title, start=begins,
            end=begins + timedelta(hours=1), stage=stage, session_format=talk,
        )  # fmt: skip
    return edition


def add_block(page, name: str) -> None:
    """Press the body's last "Insert a block" button and choose ``name`` from its menu of block types."""
    page.locator("button.c-sf-add-button").last.click()
    page.get_by_role("option", name=name).click()


def publish(page) -> None:
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_selector(".messages .success")


def test_editor_builds_a_new_editions_page_from_blocks(open_browser, editor, new_edition):
    page = open_browser(viewport=LAPTOP).new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", "esme")
    page.fill("#id_password", PASSWORD)
    page.click("button[type='submit']")
    page.wait_for_url("**/admin/")

    # The edition's empty body: a hero, then the programme's next two sessions.
    page.goto(f"/admin/pages/{new_edition.pk}/edit/")
    add_block(page, "Hero: dates, place and tickets")
    page.fill("[name='body-0-value-heading']", "Come to Leeds in 2027")
    page.fill("[name='body-0-value-text']", "Two days of organising, in a union hall.")
    add_block(page, "Featured sessions")
    page.fill("[name='body-1-value-heading']", "Don't miss")
    page.fill("[name='body-1-value-count']", "2")
    publish(page)

    # The public page, on a phone: the editor's words, the dates, the place, tickets and the sessions.
    visitor = open_browser(viewport=PHONE).new_page()
    visitor.goto(new_edition.url)
    hero = visitor.locator(".hero")
    heading = hero.locator("h1").inner_text()
    when_where = hero.locator(".when-where").inner_text()
    tickets = hero.get_by_role("link", name="Buy tickets").get_attribute("href")
    featured = visitor.locator(".block--sessions")
    featured_heading = featured.locator("h2").inner_text()
    titles = featured.locator(".session-card__title").all_inner_texts()
    assert_accessible(visitor)

    assert heading == "Come to Leeds in 2027"
    assert "Two days of organising, in a union hall." in hero.inner_text()
    assert new_edition.start_date.strftime("%-d %B") in when_where
    assert "Leeds Trades Club" in when_where
    assert tickets == "/tickets/2027/"
    assert featured_heading == "Don't miss"
    assert titles == ["Organising the unorganised", "Land for the many"]
    assert [block.block_type for block in FestivalPage.objects.get(pk=new_edition.pk).body] == [
        "hero",
        "featured_sessions",
    ]
