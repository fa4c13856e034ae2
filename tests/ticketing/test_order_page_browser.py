"""The order page in headless Chromium, which sends an Origin header and obeys the page's referrer policy:
badges download under the attendee's name; names can be corrected; an unpaid order can be cancelled."""

import pytest
from django.urls import reverse

from ticketing.models import Order, Ticket

from .factories import TicketFactory, TicketTypeFactory
from .helpers import place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("name", ["Zoë Łukasik 李小龍", "محمد عبد الرحمن", 'Jo "JJ" O\'Neil; x'])
def test_chromium_saves_the_badge_under_the_attendee_s_name(chromium, live_server, festival, tmp_path, name):
    ticket = TicketFactory(ticket_type=TicketTypeFactory(festival=festival), attendee_name=name)
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(live_server.url + reverse("ticketing:order", kwargs={"token": ticket.order.access_token}))

    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download badge for {name} (PDF)").click()
    download = download_info.value
    saved = tmp_path / "badge.pdf"
    download.save_as(saved)
    context.close()

    safe_name = "-".join("".join(c if c.isalnum() else " " for c in name).split())
    assert download.suggested_filename == f"badge-{ticket.order.code}-{safe_name}.pdf"
    assert saved.read_bytes().startswith(b"%PDF-")


def correct_the_name(page, name: str) -> tuple[str, str]:
    """Correct the badge's name on the order page as a person would; answer (the name the page
    then shows, the message it gives)."""
    page.get_by_text("Correct the name").click()
    page.get_by_label("Name on the badge").fill(name)
    page.get_by_role("button", name="Save and reissue the badge").click()
    page.wait_for_load_state()
    return page.locator(".ticket-row strong").inner_text(), page.locator(".messages").inner_text()


def test_the_name_on_a_badge_can_be_corrected_from_chromium(chromium, live_server, festival):
    ticket = TicketFactory(ticket_type=TicketTypeFactory(festival=festival), attendee_name="Rosa Parks")
    old_secret = ticket.secret
    context = chromium.new_context()
    page = context.new_page()
    page.goto(live_server.url + reverse("ticketing:order", kwargs={"token": ticket.order.access_token}))

    shown, message = correct_the_name(page, "Rosa McCauley Parks")
    context.close()
    ticket.refresh_from_db()

    assert shown == "Rosa McCauley Parks"
    assert "Badge reissued for Rosa McCauley Parks." in message
    assert ticket.secret != old_secret


def test_a_name_corrected_with_a_right_to_left_override_reads_plainly(chromium, live_server, festival):
    ticket = TicketFactory(ticket_type=TicketTypeFactory(festival=festival), attendee_name="Rosa Parks")
    context = chromium.new_context()
    page = context.new_page()
    page.goto(live_server.url + reverse("ticketing:order", kwargs={"token": ticket.order.access_token}))

    shown, message = correct_the_name(page, "\u202eRosa\u200b McCauley Parks\u2069")
    context.close()

    assert shown == "Rosa McCauley Parks"  # not "skraP yeluaCcM asoR"
    assert "Badge reissued for Rosa McCauley Parks." in message


def test_a_name_correction_of_only_invisible_characters_is_refused_in_words(chromium, live_server, festival):
    ticket = TicketFactory(ticket_type=TicketTypeFactory(festival=festival), attendee_name="Rosa Parks")
    context = chromium.new_context()
    page = context.new_page()
    page.goto(live_server.url + reverse("ticketing:order", kwargs={"token": ticket.order.access_token}))

    shown, message = correct_the_name(page, "\u202e\u200b\u3164")
    context.close()

    assert shown == "Rosa Parks"
    assert message == "Type a name: this one is only spaces or invisible characters."


def test_cancelling_an_unpaid_order_from_the_browser_gives_the_places_back(
    chromium, live_server, client, festival, standard, stripe_emulator
):
    _, order = place(client, festival, standard, 2, names=["Ella Baker", "Bayard Rustin"])
    page = chromium.new_page()
    page.goto(live_server.url + reverse("ticketing:order", args=[order.access_token]))

    with page.expect_navigation() as navigation:
        page.click("button:has-text('Cancel this order')")
    status = navigation.value.status
    message = page.text_content(".messages")
    page.close()

    order.refresh_from_db()
    standard.refresh_from_db()
    assert status == 200
    assert "Your order is cancelled" in message
    assert order.status == Order.Status.CANCELLED
    assert standard.reserved == 0
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}
