"""The order confirmation through the outbox, and "send me my order links again": the same answer
for every address, links sent only for addresses that ordered, limited per address and per client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from festival.demo import upsert_child
from festival.models import FestivalPage
from outbox.models import OutgoingEmail
from ticketing import signals
from ticketing.models import Order
from ticketing.services import emails, order_links
from ticketing.services.orders import order_url

from .factories import OrderFactory, TicketFactory

pytestmark = pytest.mark.django_db
URL = reverse("ticketing:order_links")
ANSWER = "If we have orders under that address, we&#x27;ve sent the links to it."


def ask(client, email, *, ip="203.0.113.7", **headers):
    """POST the form, follow to the answer; the page with its CSRF token blanked, to compare pages."""
    response = client.post(URL, {"email": email}, follow=True, REMOTE_ADDR=ip, **headers)
    return response.status_code, re.sub(r'value="[^"]{64}"', 'value=""', response.content.decode())


@pytest.fixture
def last_year(home, festival):
    return upsert_child(home, FestivalPage, slug="2025", title="Festival of Resistance 2025",
                        start_date=festival.start_date - timedelta(days=365),
                        end_date=festival.end_date - timedelta(days=365), time_zone="Europe/London",
                        venue_name="Northern Co-operative Hall")  # fmt: skip


def test_a_repeated_order_paid_queues_the_confirmation_once(festival, django_capture_on_commit_callbacks):
    order = TicketFactory(ticket_type__festival=festival).order

    with django_capture_on_commit_callbacks(execute=True):
        signals.order_paid.send(sender=Order, order_id=order.pk)
        signals.order_paid.send(sender=Order, order_id=order.pk)

    assert OutgoingEmail.objects.filter(key=emails.confirmation_key(order)).count() == 1
    assert OutgoingEmail.objects.get().state == OutgoingEmail.State.SENT
    assert [m.to for m in mail.outbox] == [[order.buyer_email]]


def test_staff_resending_the_confirmation_queues_another(festival, django_capture_on_commit_callbacks):
    order = TicketFactory(ticket_type__festival=festival).order

    with django_capture_on_commit_callbacks(execute=True):
        emails.send_order_confirmation(order)
        emails.send_order_confirmation(order, resend=True)

    assert OutgoingEmail.objects.count() == 2
    assert len(mail.outbox) == 2
    assert [len([a for a in m.attachments if a[2] == "application/pdf"]) for m in mail.outbox] == [1, 1]


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address_and_only_the_known_gets_mail(
    client, festival, django_capture_on_commit_callbacks
):
    OrderFactory(festival=festival, buyer_email="rosa@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        known = ask(client, "rosa@example.org")
        unknown = ask(client, "nobody@example.org")

    assert known == unknown
    assert known[0] == 200 and ANSWER in known[1]
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]


def test_the_links_cover_every_edition_paid_or_pending_newest_first_whatever_the_case(
    client, festival, last_year, django_capture_on_commit_callbacks
):
    old = OrderFactory(festival=last_year, buyer_email="Rosa@Example.org", status=Order.Status.PAID)
    pending = OrderFactory(festival=festival, buyer_email="rosa@example.org", status=Order.Status.PENDING)
    expired = OrderFactory(festival=festival, buyer_email="rosa@example.org", status=Order.Status.EXPIRED)
    OrderFactory(festival=festival, buyer_email="someone.else@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "ROSA@example.ORG")

    body = mail.outbox[0].body
    assert len(mail.outbox) == 1
    assert order_url(pending) in body and order_url(old) in body
    assert body.index(order_url(pending)) < body.index(order_url(old))
    assert order_url(expired) not in body
    assert body.count("/tickets/orders/") == 2


def test_an_address_gets_three_emails_an_hour_and_the_fourth_ask_the_same_answer(
    client, festival, django_capture_on_commit_callbacks
):
    OrderFactory(festival=festival, buyer_email="rosa@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        spellings = ["rosa@example.org", "ROSA@example.org", "rosa@EXAMPLE.org", "rosa@example.org"]
        answers = [ask(client, email, ip=f"198.51.100.{n}") for n, email in enumerate(spellings)]

    assert len(mail.outbox) == order_links.PER_ADDRESS.count == 3
    assert len(set(answers)) == 1


def test_one_client_asking_for_many_addresses_is_limited_too(client, festival, django_capture_on_commit_callbacks):
    OrderFactory(festival=festival, buyer_email="rosa@example.org")
    others = [f"stranger{n}@example.org" for n in range(order_links.PER_CLIENT.count)]

    with django_capture_on_commit_callbacks(execute=True):
        for email in others:
            ask(client, email)
        over = ask(client, "rosa@example.org")
        elsewhere = ask(client, "rosa@example.org", ip="192.0.2.50")

    assert over == elsewhere
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]  # from the other client only


def test_behind_the_local_proxy_each_visitor_is_limited_by_their_own_address(
    client, festival, django_capture_on_commit_callbacks
):
    OrderFactory(festival=festival, buyer_email="rosa@example.org")
    others = [f"stranger{n}@example.org" for n in range(order_links.PER_CLIENT.count)]

    with django_capture_on_commit_callbacks(execute=True):
        for email in others:  # one visitor, whose address the proxy appended after a forged one
            ask(client, email, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.1")
        ask(client, "rosa@example.org", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
        ask(client, "rosa@example.org", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]  # the second visitor's


def test_a_malformed_address_gets_a_clear_error_and_nothing_is_sent(client, festival):
    OrderFactory(festival=festival, buyer_email="rosa@example.org")

    response = client.post(URL, {"email": "rosa at example.org"})

    assert response.status_code == 400
    assert "Enter an email address like name@example.org." in response.content.decode()
    assert OutgoingEmail.objects.count() == 0


def test_the_shop_and_the_confirmed_page_link_to_the_lost_link_page(client, festival, standard):
    order = OrderFactory(festival=festival, status=Order.Status.PAID)

    shop = client.get(reverse("ticketing:shop", kwargs={"slug": festival.slug}))
    confirmed = client.get(reverse("ticketing:order_confirmed", kwargs={"token": order.access_token}))

    assert f'href="{URL}"' in shop.content.decode()
    assert f'href="{URL}"' in confirmed.content.decode()
