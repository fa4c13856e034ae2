"""Each attendee their own ticket: details given at purchase (email, pronouns, access needs with
consent), their own email and ticket page, and what the page lets them change."""

from email import message_from_bytes, policy

import pytest
from django.urls import reverse

from outbox.models import OutgoingEmail
from ticketing.models import AccessNeeds, Order, RetiredSecret, Ticket
from ticketing.services import attendees, payments

from .helpers import order_form, shop_url
from .test_badges import pdf_pages_text

pytestmark = pytest.mark.django_db

NEEDS = {"bsl_1": "on", "wheelchair_space_1": "on", "dietary_1": "Vegan", "other_1": "A seat near the front"}


def buy(client, festival, ticket_type, stripe_emulator, **extra):
    """Two tickets, the second for Claudia with her own email; paid through the emulator."""
    data = order_form(ticket_type, 2, names=["Rosa Luxemburg", "Claudia Jones"],
                      email_1="claudia@example.org", pronouns_1="she/her", **extra)  # fmt: skip
    response = client.post(shop_url(festival), data)
    order = Order.objects.order_by("-pk").first()
    return response, order


def pay(order, stripe_emulator):
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id)
    payments.confirm_from_success_page(order=order, session_id=order.stripe_checkout_session_id)
    order.refresh_from_db()
    return order


def emails_to(address):
    return [e for e in OutgoingEmail.objects.all() if address in e.to]


def test_the_second_attendee_gets_their_own_email_with_badge_and_link(
    client, festival, standard, stripe_emulator, settings, django_capture_on_commit_callbacks
):
    response, order = buy(client, festival, standard, stripe_emulator, consent_1="on", **NEEDS)
    assert response.status_code == 303
    with django_capture_on_commit_callbacks(execute=True):
        pay(order, stripe_emulator)

    first, second = order.tickets.order_by("pk")
    assert (first.attendee_email, second.attendee_email) == ("rosa@example.org", "claudia@example.org")
    assert second.pronouns == "she/her"
    [email] = emails_to("claudia@example.org")
    message = message_from_bytes(bytes(email.mime), policy=policy.default)
    body = message.get_body(("plain",)).get_content()
    assert settings.SITE_URL + reverse("ticketing:ticket", kwargs={"token": second.access_token}) in body
    assert order.access_token not in body  # not the buyer's whole order
    [badge] = list(message.iter_attachments())
    assert badge.get_content_type() == "application/pdf" and "Claudia" in badge.get_filename()
    # The buyer's own ticket is theirs: no second email to the buyer for it.
    assert len(emails_to("rosa@example.org")) == 1


def test_the_buyers_order_page_still_shows_every_ticket(client, festival, standard, stripe_emulator):
    _, order = buy(client, festival, standard, stripe_emulator)
    pay(order, stripe_emulator)

    page = client.get(reverse("ticketing:order", kwargs={"token": order.access_token}))

    assert "Rosa Luxemburg" in page.text and "Claudia Jones" in page.text


def test_access_needs_with_consent_are_kept_apart_from_the_ticket(client, festival, standard, stripe_emulator):
    _, order = buy(client, festival, standard, stripe_emulator, consent_1="on", **NEEDS)

    second = order.tickets.order_by("pk").last()
    needs = AccessNeeds.objects.get(ticket=second)
    assert (needs.bsl, needs.wheelchair_space, needs.step_free, needs.dietary) == (True, True, False, "Vegan")
    assert needs.other == "A seat near the front"
    assert not AccessNeeds.objects.filter(ticket=order.tickets.order_by("pk").first()).exists()


def test_access_needs_without_consent_are_not_stored_and_the_buyer_is_told(client, festival, standard, stripe_emulator):
    response, order = buy(client, festival, standard, stripe_emulator, **NEEDS)

    assert response.status_code == 400
    assert order is None and not AccessNeeds.objects.exists()
    assert 'id="id_consent_1-error"' in response.text
    assert "Tick the box to let us keep these access needs" in response.text


def test_the_consent_says_who_sees_the_needs_and_why(client, festival, standard):
    data = order_form(standard, 1)
    data.pop("step")
    response = client.post(shop_url(festival), data)

    assert "Only our access team sees them" in response.text
    assert "never printed on a badge or shown at the door" in response.text


@pytest.mark.parametrize("email", ["claudia@", "not an email", "claudia@example..org", "a" * 250 + "@example.org"])
def test_a_malformed_attendee_email_is_a_field_error_and_nothing_is_written(client, festival, standard, email):
    data = order_form(standard, 2, names=["Rosa Luxemburg", "Claudia Jones"], email_1=email)
    response = client.post(shop_url(festival), data)

    assert response.status_code == 400
    assert 'id="id_email_1-error"' in response.text
    assert not Order.objects.exists()


@pytest.mark.parametrize(("field", "size"), [("other_1", 1001), ("dietary_1", 301)])
def test_oversize_free_text_is_an_error_and_nothing_is_written(client, festival, standard, field, size):
    data = order_form(standard, 2, names=["Rosa Luxemburg", "Claudia Jones"], consent_1="on", **{field: "x" * size})
    response = client.post(shop_url(festival), data)

    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.text
    assert not Order.objects.exists() and not AccessNeeds.objects.exists()


def test_the_service_refuses_malformed_details_too(festival, standard):
    with pytest.raises(attendees.ShopError) as refused:
        attendees.clean_details([{"email": "nope"}], count=1, buyer_email="rosa@example.org")
    assert refused.value.code == "attendee_details"
    with pytest.raises(attendees.ShopError):
        attendees.clean_needs({"other": "x" * 1001})


def ticket_page(client, ticket):
    return reverse("ticketing:ticket", kwargs={"token": ticket.access_token})


def test_the_attendee_page_shows_only_their_ticket(client, festival, standard, stripe_emulator):
    _, order = buy(client, festival, standard, stripe_emulator)
    pay(order, stripe_emulator)
    second = order.tickets.order_by("pk").last()

    page = client.get(ticket_page(client, second))

    assert page.status_code == 200
    assert "Claudia Jones" in page.text and "Rosa Luxemburg" not in page.text
    assert page["Cache-Control"] == "private, no-store"
    badge = client.get(reverse("ticketing:ticket_badge", kwargs={"token": second.access_token}))
    assert badge.status_code == 200 and badge["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("token", ["nope", "x" * 65])
def test_an_unknown_ticket_link_is_not_found(client, token):
    assert client.get(reverse("ticketing:ticket", kwargs={"token": token})).status_code == 404


def test_the_attendee_corrects_their_name_and_the_badge_is_reissued(client, festival, standard, stripe_emulator):
    _, order = buy(client, festival, standard, stripe_emulator)
    pay(order, stripe_emulator)
    second = order.tickets.order_by("pk").last()
    old_secret = second.secret

    response = client.post(
        reverse("ticketing:ticket_rename", kwargs={"token": second.access_token}),
        {"attendee_name": "Claudia Vera Jones", "pronouns": "she/her"},
    )

    second.refresh_from_db()
    assert response.status_code == 302
    assert second.attendee_name == "Claudia Vera Jones" and second.secret != old_secret
    assert RetiredSecret.objects.filter(secret=old_secret, ticket=second).exists()
    badge = client.get(reverse("ticketing:ticket_badge", kwargs={"token": second.access_token}))
    assert "Claudia Vera Jones" in " ".join(" ".join(pdf_pages_text(badge.content)).split())


def test_a_blank_name_is_refused_on_the_ticket_page(client, festival, standard, stripe_emulator):
    _, order = buy(client, festival, standard, stripe_emulator)
    pay(order, stripe_emulator)
    second = order.tickets.order_by("pk").last()

    response = client.post(
        reverse("ticketing:ticket_rename", kwargs={"token": second.access_token}),
        {"attendee_name": "\u200b "},
        follow=True,
    )

    second.refresh_from_db()
    assert second.attendee_name == "Claudia Jones"
    assert "Type a name" in response.text or "Give the name" in response.text


def test_the_attendee_updates_and_then_deletes_their_access_needs(client, festival, standard, stripe_emulator):
    _, order = buy(client, festival, standard, stripe_emulator)
    second = order.tickets.order_by("pk").last()
    url = ticket_page(client, second)

    refused = client.post(url, {"quiet_space": "on"})
    assert refused.status_code == 400 and not AccessNeeds.objects.exists()

    saved = client.post(url, {"quiet_space": "on", "carer": "on", "consent": "on"})
    assert saved.status_code == 302
    needs = AccessNeeds.objects.get(ticket=second)
    assert (needs.quiet_space, needs.carer, needs.bsl) == (True, True, False)
    assert 'name="quiet_space" id="needs-quiet_space" value="on" checked' in client.get(url).text

    too_long = client.post(url, {"other": "x" * 1001, "consent": "on"})
    assert too_long.status_code == 400
    assert AccessNeeds.objects.get(ticket=second).other == ""

    cleared = client.post(url, {})
    assert cleared.status_code == 302 and not AccessNeeds.objects.exists()


def test_tickets_get_their_own_link_and_old_tickets_got_one_in_the_migration(festival, standard):
    from tests.ticketing.factories import TicketFactory

    tickets = [TicketFactory(ticket_type=standard) for _ in range(2)]
    tokens = {t.access_token for t in tickets}
    assert len(tokens) == 2 and all(len(t) >= 40 for t in tokens)
    assert not Ticket.objects.filter(access_token__isnull=True).exists()
