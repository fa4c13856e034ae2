"""An organiser in headless Chromium writes a message, previews it with its count, sends a test to
themselves, then sends it after the confirmation; every page keeps to the CSP and has no serious axe
finding."""

import pytest
from django.core import mail

from mailings.models import Message
from tests.browser import LAPTOP, serious_axe_violations, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled_axe(page) -> list[str]:
    """axe's serious findings once Wagtail's messages have stopped sliding in."""
    wait_for(page, "document.getAnimations().every(animation => animation.playState !== 'running')")
    return serious_axe_violations(page)


def test_an_organiser_writes_previews_tests_and_sends_a_message(open_browser, organiser, festival, holder):
    holder("rosa@example.org")
    holder("nye@example.org", attendee_email="nye.bevan@example.org")
    page = open_browser(viewport=LAPTOP, user=organiser).new_page()
    found = {}

    page.goto("/admin/mailings/")
    page.get_by_role("link", name="Write a message").click()
    page.get_by_label("Edition").select_option(label=festival.title)
    page.get_by_label("Everyone with a valid ticket").check()
    page.get_by_role("button", name="Save and preview").click()  # empty: the errors first
    page.get_by_text("Write the message: it cannot be empty.").wait_for()
    errors = page.get_by_text("Write a subject: it is the first thing people see.").count()
    found["errors"] = settled_axe(page)
    page.get_by_label("Subject").fill("Doors open at ten")
    page.locator("#id_body").fill("Hello,\n\nThe doors open at 10:00 on Friday.")
    page.get_by_role("button", name="Save and preview").click()
    page.locator("#preview-body").wait_for()
    count = page.locator("#recipient-count").inner_text()
    preview = page.locator("#preview-body").inner_text()
    found["preview"] = settled_axe(page)
    page.get_by_role("button", name="Send a test to olu@festival.invalid").click()
    page.get_by_text("A test is on its way to olu@festival.invalid.").wait_for()
    page.get_by_role("link", name="Send now…").click()
    asked = page.locator(".box-office__lead").inner_text()
    found["confirm"] = settled_axe(page)
    page.get_by_role("button", name="Yes, send it now").click()
    page.get_by_text("Sending to 2 people.").wait_for()
    found["sent"] = settled_axe(page)

    message = Message.objects.get()
    assert errors == 1
    assert count == "2 people"
    assert preview.startswith("Hello,\n\nThe doors open at 10:00 on Friday.")
    assert "because you hold a ticket for Festival of Resistance 2026" in preview
    assert asked == "You are about to send “Doors open at ten” to 2 ticket holders of Festival of Resistance 2026."
    assert (message.state, message.recipient_count) == (Message.State.SENT, 2)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("nye.bevan@example.org", "Doors open at ten"),
        ("olu@festival.invalid", "[Test] Doors open at ten"),
        ("rosa@example.org", "Doors open at ten"),
    ]
    assert found == {"errors": [], "preview": [], "confirm": [], "sent": []}
