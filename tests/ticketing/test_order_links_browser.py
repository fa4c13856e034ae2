"""The lost-link page from a phone-sized Chromium (CSRF, Origin and all): the form posts, the same
answer shows, and the links go to the address that ordered; a malformed address is named."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.browser import PHONE, serious_axe_violations

from .factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ask_for_links(page, email: str) -> str:
    page.get_by_label("The email address you ordered with").fill(email)
    page.get_by_role("button", name="Send me my order links").click()
    page.wait_for_load_state()
    return page.locator("main").inner_text()


def test_a_buyer_on_a_phone_asks_for_their_order_links_and_sees_the_answer(open_browser, festival):
    order = OrderFactory(festival=festival, buyer_email="rosa@example.org")
    page = open_browser(viewport=PHONE).new_page()
    page.goto(reverse("ticketing:shop", kwargs={"slug": festival.slug}))
    page.get_by_role("link", name="Ordered already and lost the link? We'll email it to you again.").click()

    shown = ask_for_links(page, "Rosa@Example.org")

    assert "If we have orders under that address, we've sent the links to it." in shown
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
    assert order.access_token in mail.outbox[0].body
    assert serious_axe_violations(page) == []


def test_a_malformed_address_is_named_in_the_browser(open_browser, festival):
    page = open_browser(viewport=PHONE).new_page()
    page.goto(reverse("ticketing:order_links"))

    shown = ask_for_links(page, "rosa at example.org")

    assert "Enter an email address like name@example.org." in shown
    assert mail.outbox == []
