"""In Chromium: a buyer buys two tickets, gives the second attendee's email and access needs (with
consent) and pays on the emulator's page; the second attendee opens the link from their own email
and corrects their name. Every page is checked with axe; a CSP violation fails the test."""

import re

import pytest
from django.core import mail

from tests.browser import assert_accessible
from ticketing.models import AccessNeeds, Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_in_email_to(page, address: str) -> str:
    """The ticket page's link in the one email sent to ``address`` (with the badge attached), once the
    worker's task has sent it (the live server runs it as it answers Stripe)."""
    for _ in range(100):
        if any(m.to == [address] for m in mail.outbox):
            break
        page.wait_for_timeout(100)
    [email] = [m for m in mail.outbox if m.to == [address]]
    assert [a[2] for a in email.attachments] == ["application/pdf"]
    return re.search(r"https?://\S+/tickets/ticket/\S+/", email.body).group(0)


def test_a_second_attendee_gets_their_own_ticket_and_corrects_their_name(open_browser, festival, standard):
    page = open_browser().new_page()
    page.goto(f"/tickets/{festival.slug}/")
    page.get_by_label("How many Standard").fill("2")
    page.fill("#id_buyer_name", "Rosa Luxemburg")
    page.fill("#id_buyer_email", "rosa@example.org")
    page.click("button:has-text('Continue: name your attendees')")

    page.wait_for_selector("h1:has-text('Check your order')")
    page.fill("#id_attendee_1", "Claudia Jnoes")
    page.fill("#id_email_1", "claudia@example.org")
    page.fill("#id_pronouns_1", "she/her")
    page.locator("details.access-needs-details").nth(1).locator("summary").click()
    page.get_by_label("British Sign Language (BSL) interpretation").nth(1).check()
    page.get_by_label("Dietary needs").nth(1).fill("Vegan")
    assert_accessible(page)
    page.click("button:has-text('securely with Stripe')")

    # Without consent the needs are not kept: the buyer is told, at the box to tick.
    page.wait_for_selector(".error-summary")
    assert "Tick the box to let us keep these access needs" in page.text_content("#id_consent_1-error")
    assert_accessible(page)
    page.check("#id_consent_1")
    page.click("button:has-text('securely with Stripe')")

    page.wait_for_selector("text=Test payment")
    page.click("button.pay")
    page.wait_for_selector("text=You're in. Thank you!")
    order = Order.objects.get(buyer_email="rosa@example.org")
    assert order.status == Order.Status.PAID
    second = order.tickets.order_by("pk").last()
    assert AccessNeeds.objects.get(ticket=second).bsl is True

    # Claudia opens her own link, in her own browser.
    claudia = open_browser().new_page()
    claudia.goto(link_in_email_to(page, "claudia@example.org"))
    claudia.wait_for_selector("h1:has-text('Your ticket, Claudia Jnoes')")
    assert "Rosa Luxemburg" not in claudia.content()
    assert claudia.is_checked("#needs-bsl")
    assert_accessible(claudia)
    claudia.fill("#name", "Claudia Jones")
    claudia.click("button:has-text('Save and reissue my badge')")
    claudia.wait_for_selector("text=Your badge is reissued for Claudia Jones.")
    assert_accessible(claudia)
    with claudia.expect_download() as download:
        claudia.click("text=Download my badge (PDF)")
    assert download.value.suggested_filename.endswith(".pdf")
    second.refresh_from_db()
    assert second.attendee_name == "Claudia Jones"
