"""Journey 4 — the door: staff sign in on a phone and admit the badges bought in the shop.

The tickets are bought through the shop's order form and paid through the Stripe emulator,
whose webhook reaches the live site; the first badge is the PDF the attendee downloads, filmed
by Chromium's fake camera. Door staff scan it, scan it again, are refused a refunded ticket,
find a lost badge by name, then lose the network, admit two more and see them synced.
"""

import os
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from door.auth import clear_caches
from festival import roles
from tests.browser import PHONE, assert_accessible, wait_for
from tests.camera import badge_frame, blank_frame, launch_with_camera, write_y4m
from tests.ticketing.factories import TicketTypeFactory, UserFactory
from tests.ticketing.helpers import place
from ticketing.models import CheckIn, Order, Ticket
from ticketing.services import refunds

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATTENDEES = ["Sylvia Pankhurst", "Claudia Jones", "Paul Robeson", "Jayaben Desai", "Olive Morris"]
# Records each tone the page plays, and whether the browser lets it be heard (a running AudioContext).
LISTEN = """
window.doorTones = [];
const createOscillator = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  const oscillator = createOscillator.call(this);
  const start = oscillator.start;
  oscillator.start = function (...args) {
    window.doorTones.push(`${oscillator.type} ${oscillator.frequency.value} ${oscillator.context.state}`);
    return start.apply(this, args);
  };
  return oscillator;
};
"""


@pytest.fixture(autouse=True)
def _fresh_door_caches():
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def door_staff(home):
    user = UserFactory(username="amrit", first_name="Amrit")
    user.set_password("door-pass-123")
    user.save()
    user.groups.add(roles.sync_roles(root_page=home)[roles.DOOR_STAFF])
    return user


@pytest.fixture
def order(client, live_festival, live_site, stripe_emulator):
    """Five weekend tickets ordered in the shop and paid through the emulator, its webhook delivered."""
    weekend = TicketTypeFactory(festival=live_festival, name="Weekend")
    _, order = place(client, live_festival, weekend, len(ATTENDEES), names=ATTENDEES)
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id, sync=True)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


@pytest.fixture
def midday(order, monkeypatch):
    """From here on the site's clock reads midday today on the festival's clock, and runs on.

    A scan then falls on the festival day it was made on, whatever the hour the test runs at.
    It starts after the purchase: the emulator keeps real time and checks a checkout's expiry by it.
    """
    real_now = timezone.now
    started = real_now()
    london = ZoneInfo("Europe/London")  # the edition's time zone
    noon = datetime.combine(started.astimezone(london).date(), time(12), tzinfo=london)
    monkeypatch.setattr(timezone, "now", lambda: noon + (real_now() - started))


@pytest.fixture
def phone_with_camera(chromium, live_site, tmp_path):
    """A phone-sized context in a Chromium of its own whose camera films ``frames``; closed after the test."""
    browsers = []

    def open_context(frames):
        browser = launch_with_camera(chromium, write_y4m(tmp_path / "camera.y4m", frames))
        browsers.append(browser)
        context = browser.new_context(viewport=PHONE, base_url=live_site.url)
        context.grant_permissions(["camera"])
        return context

    yield open_context
    for browser in browsers:
        browser.close()


def badge_pdf(client, ticket) -> bytes:
    """The badge PDF the attendee downloads from their order page."""
    url = reverse("ticketing:badge_download", kwargs={"token": ticket.order.access_token, "ticket_id": ticket.pk})
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    return response.content


def shot(page, name: str) -> None:
    """A screenshot of what the phone shows, when JOURNEY_SHOTS names a folder to keep them in."""
    folder = os.environ.get("JOURNEY_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"door-{name}.png"))


def tones(page) -> list[str]:
    """The tones played since the last call."""
    return page.evaluate("window.doorTones.splice(0)")


def result(page) -> tuple[str, str, str]:
    return (
        page.get_attribute("#result", "data-result"),
        page.text_content("#result-title"),
        page.text_content("#result-detail"),
    )


def type_code(page, ticket, expected: str) -> None:
    """A hardware scanner types the badge's code and presses Enter; wait for this badge's answer."""
    page.get_by_label("Scan or type a badge code").fill(ticket.secret)
    page.keyboard.press("Enter")
    wait_for(
        page,
        "([result, name]) => document.getElementById('result').dataset.result === result"
        " && document.getElementById('result-detail').textContent.startsWith(name)",
        arg=[expected, ticket.attendee_name],
    )


def test_door_staff_admit_the_nights_badges(client, phone_with_camera, door_staff, order, midday):
    tickets = {ticket.attendee_name: ticket for ticket in order.tickets.all()}
    # The attendee holds her printed badge up to the camera, takes it away, and holds it up again.
    frames = [badge_frame(badge_pdf(client, tickets["Sylvia Pankhurst"]))] * 15 + [blank_frame()] * 25
    context = phone_with_camera(frames)
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(10_000)
    seen = {}

    page.goto("/door/")
    page.wait_for_url("**/door/login/?next=/door/")
    assert_accessible(page)
    page.get_by_label("Username").fill("amrit")
    page.get_by_label("Password").fill("door-pass-12")
    page.get_by_role("button", name="Sign in").click()
    seen["wrong password"] = page.get_by_role("alert").text_content()
    assert_accessible(page)
    page.get_by_label("Password").fill("door-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("html[data-door-ready]")
    wait_for(page, "document.getElementById('list-size').textContent === '5'")
    shot(page, "01-ready")
    assert_accessible(page)

    page.get_by_role("button", name="Camera").click()
    page.wait_for_selector("#result[data-result='admitted']")
    seen["camera"] = result(page), tones(page)
    shot(page, "02-admitted")
    assert_accessible(page)
    page.wait_for_selector("#result[data-result='already_checked_in']")
    seen["camera again"] = result(page), tones(page)
    shot(page, "03-already-in")
    assert_accessible(page)
    page.get_by_role("button", name="Stop camera").click()

    refunds.refund_tickets(order=order, ticket_ids=[tickets["Claudia Jones"].pk])
    type_code(page, tickets["Claudia Jones"], "cancelled")
    seen["refunded"] = result(page), tones(page)
    shot(page, "04-refunded")
    assert_accessible(page)

    page.get_by_role("searchbox", name="Name or order code").fill("robeson")
    page.get_by_role("button", name="Find").click()
    page.wait_for_selector("#search-results li")
    seen["search"] = page.text_content("#search-status"), page.text_content("#search-results li span")
    shot(page, "05-search")
    assert_accessible(page)
    page.get_by_role("button", name="Check in: Paul Robeson").click()
    page.wait_for_selector("#result[data-result='admitted']")
    seen["from search"] = result(page)
    wait_for(page, "document.getElementById('count-total').textContent === '2'")
    shot(page, "06-admitted-from-search")
    assert_accessible(page)

    context.set_offline(True)
    page.wait_for_selector("#door-net[data-state='offline']")
    type_code(page, tickets["Jayaben Desai"], "admitted")
    type_code(page, tickets["Olive Morris"], "admitted")
    seen["offline"] = result(page), page.text_content("#queue-count"), CheckIn.objects.filter(offline=True).count()
    shot(page, "07-offline")
    assert_accessible(page)
    context.set_offline(False)
    wait_for(page, "document.getElementById('queue-count').textContent === '0'")
    wait_for(page, "document.getElementById('count-total').textContent === '4'")
    seen["synced"] = page.text_content("#door-net").strip(), page.text_content("#count-expected")
    shot(page, "08-synced")
    assert_accessible(page)
    admitted = list(CheckIn.objects.filter(result="admitted").select_related("ticket").order_by("pk"))
    at = timezone.localtime(admitted[0].scanned_at, ZoneInfo("Europe/London")).strftime("%H:%M")
    first_admission = f"Checked in at {at}, Main gate, by Amrit."

    assert seen["wrong password"].startswith("Please enter a correct username and password.")
    assert seen["camera"] == (("admitted", "Welcome in", "Sylvia Pankhurst · Weekend"), ["sine 880 running"])
    assert seen["camera again"] == (
        ("already_checked_in", "Already checked in", f"Sylvia Pankhurst · Weekend\n{first_admission}"),
        ["square 523 running", "square 523 running"],
    )
    assert seen["refunded"] == (
        ("cancelled", "Cancelled or refunded", "Claudia Jones · Weekend"),
        ["square 220 running", "square 196 running"],
    )
    assert seen["search"] == ("Tickets found: 1", f"Paul Robeson · Weekend · {order.code} · Valid")
    assert seen["from search"] == ("admitted", "Welcome in", "Paul Robeson · Weekend")
    assert seen["offline"] == (("admitted", "Welcome in", "Olive Morris · Weekend"), "2", 0)
    assert seen["synced"] == ("Online", "4")
    assert [(c.ticket.attendee_name, c.offline, c.door) for c in admitted] == [
        ("Sylvia Pankhurst", False, "Main gate"),
        ("Paul Robeson", False, "Main gate"),
        ("Jayaben Desai", True, "Main gate"),
        ("Olive Morris", True, "Main gate"),
    ]
    assert list(CheckIn.objects.filter(ticket=tickets["Claudia Jones"]).values_list("result", flat=True)) == [
        "cancelled"
    ]
    assert Ticket.objects.get(pk=tickets["Claudia Jones"].pk).status == Ticket.Status.REFUNDED
