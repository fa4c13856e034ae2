"""Every email to buyers and attendees goes out as plain text with an HTML part in the festival's
colours: the stored message (what the outbox sends) has both, the HTML carries the same content and
the site's colour, and what people typed (names) is escaped in it."""

import re
from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest
from django.utils import timezone
from wagtail.models import Site

from festival.models import FestivalSettings, Postponement
from outbox.models import OutgoingEmail
from tests.ticketing.factories import OrderFactory, TicketFactory
from ticketing.ledger import Refund
from ticketing.models import WaitingListEntry
from ticketing.services import attendees, emails, postponement

pytestmark = pytest.mark.django_db

NAME = 'Rosa <b>Parks</b> & "co"'
ESCAPED = "Rosa &lt;b&gt;Parks&lt;/b&gt; &amp; &quot;co&quot;"
COLOUR = "#0b5d3b"


@pytest.fixture(autouse=True)
def green(home):
    brand = FestivalSettings.for_site(Site.objects.get(is_default_site=True))
    brand.primary_colour = COLOUR
    brand.site_name = "Festival of Resistance Cymru"
    brand.save()


@pytest.fixture
def order(weekend):
    order = OrderFactory(festival=weekend.festival, buyer_name=NAME, buyer_email="rosa@example.org")
    TicketFactory(order=order, ticket_type=weekend, attendee_name=NAME)
    return order


def stored_parts(email: OutgoingEmail) -> dict[str, str]:
    """The text parts of the bytes the outbox stored and sends, by content type."""
    parsed = message_from_bytes(bytes(email.mime), policy=policy.default)
    return {
        part.get_content_type(): part.get_content()
        for part in parsed.walk()
        if part.get_content_type() in ("text/plain", "text/html") and part.get_content_disposition() != "attachment"
    }


def last_email() -> dict[str, str]:
    return stored_parts(OutgoingEmail.objects.order_by("-pk").first())


def assert_branded(parts: dict[str, str], *, content: str) -> None:
    assert set(parts) == {"text/plain", "text/html"}
    html = parts["text/html"]
    assert content in parts["text/plain"] and content in html
    assert f"background-color: {COLOUR}" in html
    assert "Festival of Resistance Cymru" in html
    assert 'name="viewport"' in html and "max-width: 600px" in html
    assert "<script" not in html


def test_order_confirmation_and_its_resend_have_a_branded_html_part_with_names_escaped(order):
    emails.send_order_confirmation(order)
    first = OutgoingEmail.objects.get()
    emails.send_order_confirmation(order, resend=True)

    for parts in (stored_parts(first), last_email()):
        assert_branded(parts, content=order.code)
        assert ESCAPED in parts["text/html"] and NAME not in parts["text/html"]
        assert NAME in parts["text/plain"]
    parsed = message_from_bytes(bytes(first.mime), policy=policy.default)
    assert [part.get_content_type() for part in parsed.iter_attachments()] == ["application/pdf"]


def test_refund_notice_has_a_branded_html_part(order):
    refund = Refund.objects.create(order=order, amount=1500, idempotency_key="refund-test-1")
    refund.tickets.set(order.tickets.all())

    emails.send_refund_notice(refund)

    parts = last_email()
    assert_branded(parts, content="£15")
    assert ESCAPED in parts["text/html"]


def test_waiting_list_offer_has_a_branded_html_part_with_the_offer_link(festival):
    entry = WaitingListEntry.objects.create(
        festival=festival, name=NAME, email="ada@example.org", quantity=2,
        offered_at=timezone.now(), offer_expires_at=timezone.now() + timedelta(hours=24),
    )  # fmt: skip

    emails.send_waiting_list_offer(entry)

    parts = last_email()
    assert_branded(parts, content=f"?offer={entry.offer_token}")
    assert ESCAPED in parts["text/html"]


def test_order_links_have_a_branded_html_part(order):
    assert emails.send_order_links(email="rosa@example.org")

    assert_branded(last_email(), content=order.code)


def test_an_attendees_own_ticket_email_has_a_branded_html_part_and_their_badge(weekend):
    order = OrderFactory(festival=weekend.festival, buyer_name=NAME)
    ticket = TicketFactory(
        order=order, ticket_type=weekend, attendee_name="Nye Bevan", attendee_email="nye@example.org"
    )

    assert attendees.send_attendee_tickets(order) == 1

    email = OutgoingEmail.objects.get()
    parts = stored_parts(email)
    assert_branded(parts, content=ticket.ticket_type.name)
    assert ESCAPED in parts["text/html"]  # the buyer's name, who bought it
    parsed = message_from_bytes(bytes(email.mime), policy=policy.default)
    assert [part.get_content_type() for part in parsed.iter_attachments()] == ["application/pdf"]


def test_postponement_notice_has_a_branded_html_part(order):
    record = Postponement.objects.create(
        edition=order.festival, old_start_date=order.festival.start_date, old_end_date=order.festival.end_date,
        new_start_date=date(2027, 5, 1), new_end_date=date(2027, 5, 3), refund_deadline=date(2027, 4, 1),
    )  # fmt: skip

    assert postponement.notify_ticket_holders(record) == 1

    parts = last_email()
    assert_branded(parts, content="1 April 2027")
    assert ESCAPED in parts["text/html"]


def test_a_primary_colour_too_light_for_white_text_gets_dark_text(order):
    brand = FestivalSettings.for_site(Site.objects.get(is_default_site=True))
    brand.primary_colour = "#f5c518"
    brand.save()

    emails.send_order_confirmation(order)

    html = last_email()["text/html"]
    assert "background-color: #f5c518; color: #1a1a1a" in html
    assert re.findall(r"(?<!background-)color: #ffffff", html) == []  # no white text anywhere
