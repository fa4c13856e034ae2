"""The box office in the Wagtail admin, through the test client: the order's inspect page (tickets,
payments, refunds, history), refunds and cancellations with their confirmation step, resending the
confirmation, and a role that may not act (403, and nothing changes)."""

import pytest
from django.core import mail
from django.urls import reverse

from festival import roles
from ticketing import audit
from ticketing.models import Order, Refund, Ticket, TicketType
from ticketing.services import checkout, orders

from .test_webhooks import post_signed

pytestmark = pytest.mark.django_db


def inspect_url(order):
    return reverse("orders:inspect", args=[order.pk])


def refund_url(order):
    return reverse("ticketing_order_refund", args=[order.pk])


def actions(order):
    """The order's history as (action, who acted) pairs, oldest first."""
    return [(e.action, e.user.username if e.user else e.data["by"]) for e in reversed(audit.history(order))]


def snapshot(order):
    order = Order.objects.get(pk=order.pk)
    tickets = list(order.tickets.order_by("pk").values_list("status", "secret", "attendee_name"))
    return order.status, order.refunded_amount, tickets, Refund.objects.filter(order=order).count()


def test_the_inspect_page_shows_tickets_payments_refunds_and_history(
    client, box_office, festival, standard, paid, django_capture_on_commit_callbacks
):
    order = paid(festival, standard, 2, names=["Nye Bevan", "Jennie Lee"])
    nye = order.tickets.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(refund_url(order), {"step": "confirm", "tickets": [nye.pk]})

    page = client.get(inspect_url(order))

    order.refresh_from_db()
    refund = Refund.objects.get(order=order)
    text = page.text
    assert page.status_code == 200
    for heading in ("Tickets", "Payments", "Refunds", "History"):
        assert f">{heading}</h2>" in text
    assert "Nye Bevan" in text and "Jennie Lee" in text
    assert order.stripe_payment_intent_id in text and order.stripe_checkout_session_id in text
    assert refund.stripe_refund_id in text
    assert "Refund started" in text and "Refunded" in text and "Bex Okafor" in text
    assert "Paid" in text and "The buyer" in text
    assert actions(order) == [
        ("ticketing.order.paid", "buyer"),
        ("ticketing.order.refund_claimed", "bex"),
        ("ticketing.order.refunded", "bex"),
    ]


def test_box_office_sees_the_action_buttons_and_finance_does_not(client, staff_member, festival, standard, paid):
    order = paid(festival, standard, 1)
    finance = staff_member(roles.FINANCE, "fin")
    bex = staff_member(roles.BOX_OFFICE, "bex")

    client.force_login(bex)
    as_box_office = client.get(inspect_url(order)).text
    client.force_login(finance)
    as_finance = client.get(inspect_url(order))

    receipt = reverse("ticketing:order_receipt", kwargs={"token": order.access_token})
    assert refund_url(order) in as_box_office
    assert reverse("ticketing_order_resend", args=[order.pk]) in as_box_office
    assert as_finance.status_code == 200
    assert order.code in as_finance.text
    assert refund_url(order) not in as_finance.text
    assert receipt in as_box_office and receipt in as_finance.text  # finance may look, and print a receipt
    assert reverse("ticketing_order_resend", args=[order.pk]) not in as_finance.text


ORDER_ACTIONS = [
    "ticketing_order_refund",
    "ticketing_order_cancel",
    "ticketing_order_resend",
    "ticketing_order_release",
]
TICKET_ACTIONS = ["ticketing_ticket_reissue", "ticketing_ticket_rename", "ticketing_ticket_check_in"]


@pytest.mark.parametrize("name", ORDER_ACTIONS + TICKET_ACTIONS + ["ticketing_complimentary"])
def test_finance_may_take_no_action_and_nothing_changes(
    client, staff_member, festival, standard, paid, name, django_capture_on_commit_callbacks
):
    order = paid(festival, standard, 2)
    ticket = order.tickets.order_by("pk").first()
    client.force_login(staff_member(roles.FINANCE, "fin"))
    args = [order.pk] if name in ORDER_ACTIONS else [ticket.pk] if name in TICKET_ACTIONS else []
    post = {"step": "confirm", "tickets": [ticket.pk], "attendee_name": "Someone Else", "door": "Main",
            "festival": festival.pk, "ticket_type": standard.pk, "people": "Ada <ada@example.org>"}  # fmt: skip
    before, history = snapshot(order), actions(order)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        shown = client.get(reverse(name, args=args))
        acted = client.post(reverse(name, args=args), post)

    assert (shown.status_code, acted.status_code) == (403, 403)
    assert snapshot(order) == before
    assert actions(order) == history
    assert Order.objects.count() == 1
    assert mail.outbox == []


def test_a_refund_is_confirmed_before_anything_is_refunded(
    client, box_office, festival, standard, paid, stripe_emulator, django_capture_on_commit_callbacks
):
    order = paid(festival, standard, 2, donation=500, names=["Nye Bevan", "Jennie Lee"])
    nye = order.tickets.order_by("pk").first()
    before = snapshot(order)
    mail.outbox.clear()

    form = client.get(refund_url(order))
    review = client.post(refund_url(order), {"step": "review", "tickets": [nye.pk], "include_donation": "on"})
    back = client.post(refund_url(order), {"step": "back", "tickets": [nye.pk], "include_donation": "on"})
    unchanged = snapshot(order)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(refund_url(order), {"step": "confirm", "tickets": [nye.pk], "include_donation": "on"})

    order.refresh_from_db()
    nye.refresh_from_db()
    intent = stripe_emulator.emulator.get_payment_intent(order.stripe_payment_intent_id)
    assert form.status_code == 200 and "Nye Bevan · Standard · £35" in form.text
    assert "You are about to refund <strong>£40</strong> to Sylvia Pankhurst for:" in review.text
    assert "Confirm the refund of £40" in review.text
    assert 'value="' + str(nye.pk) + '" checked' in back.text.replace(' id="id_tickets_0"', "")
    assert unchanged == before
    assert done.status_code == 302 and done["Location"] == inspect_url(order)
    assert (order.refunded_amount, nye.status, intent["amount_refunded"]) == (4000, Ticket.Status.REFUNDED, 4000)
    assert [m.to for m in mail.outbox] == [["sylvia@example.org"]]
    assert "£40" in mail.outbox[0].body
    assert actions(order)[-1] == ("ticketing.order.refunded", "bex")


def test_the_whole_order_is_refunded_with_its_donation(
    client, box_office, festival, standard, paid, django_capture_on_commit_callbacks
):
    order = paid(festival, standard, 2, donation=500)

    review = client.post(refund_url(order), {"step": "review_all"})
    ids = list(order.tickets.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(refund_url(order), {"step": "confirm", "tickets": ids, "include_donation": "on"})

    order.refresh_from_db()
    assert "You are about to refund <strong>£75</strong>" in review.text
    assert (order.status, order.refunded_amount) == (Order.Status.REFUNDED, 7500)
    assert TicketType.objects.get(pk=standard.pk).reserved == 0


def refund_in_stripe_dashboard(client, settings, stripe_emulator, order, amount):
    """A part refund made in Stripe's dashboard, its ``charge.refunded`` event delivered to the webhook."""
    stripe_emulator.emulator.create_refund({"payment_intent": order.stripe_payment_intent_id, "amount": str(amount)})
    event = stripe_emulator.emulator.list_events(type_="charge.refunded")[-1]
    assert post_signed(client, settings, event).status_code == 200


def test_a_refund_over_what_is_left_is_refused_and_changes_nothing(
    client, box_office, festival, standard, paid, stripe_emulator, settings
):
    order = paid(festival, standard, 2)
    refund_in_stripe_dashboard(client, settings, stripe_emulator, order, 4000)  # £30 left of £70
    first = order.tickets.order_by("pk").first()
    before = snapshot(order)

    review = client.post(refund_url(order), {"step": "review", "tickets": [first.pk]})
    confirmed = client.post(refund_url(order), {"step": "confirm", "tickets": [first.pk]}, follow=True)

    assert "That would refund £35, but only £30 of this order is left to refund." in review.text
    assert "That would refund £35, but only £30" in confirmed.text
    assert snapshot(order) == before
    assert stripe_emulator.emulator.get_payment_intent(order.stripe_payment_intent_id)["amount_refunded"] == 4000


def test_a_ticket_already_refunded_cannot_be_refunded_again(
    client, box_office, festival, standard, paid, stripe_emulator
):
    order = paid(festival, standard, 2)
    first = order.tickets.order_by("pk").first()
    client.post(refund_url(order), {"step": "confirm", "tickets": [first.pk]})
    before = snapshot(order)

    again = client.post(refund_url(order), {"step": "confirm", "tickets": [first.pk]}, follow=True)

    assert snapshot(order) == before
    assert "Select a valid choice." in again.text or "Only paid tickets can be refunded." in again.text
    assert stripe_emulator.emulator.get_payment_intent(order.stripe_payment_intent_id)["amount_refunded"] == 3500


def test_a_refund_stripe_does_not_answer_is_left_sent_and_says_so(
    client, box_office, festival, standard, paid, stripe_emulator
):
    order = paid(festival, standard, 2)
    first = order.tickets.order_by("pk").first()
    stripe_emulator.emulator.set_outage(503)
    try:
        page = client.post(refund_url(order), {"step": "confirm", "tickets": [first.pk]}, follow=True)
    finally:
        stripe_emulator.emulator.set_outage(0)

    refund = Refund.objects.get(order=order)
    first.refresh_from_db()
    assert refund.state == Refund.State.SENT
    assert first.status == Ticket.Status.REFUNDED
    assert "Stripe has not answered yet. The refund of £35 to Sylvia Pankhurst is recorded" in page.text


def test_cancelling_tickets_is_confirmed_first_and_moves_no_money(client, box_office, festival, standard, paid):
    order = paid(festival, standard, 2)
    ids = list(order.tickets.order_by("pk").values_list("pk", flat=True))
    url = reverse("ticketing_order_cancel", args=[order.pk])
    before = snapshot(order)

    form = client.get(url)
    review = client.post(url, {"step": "review", "tickets": ids})
    unchanged = snapshot(order)
    client.post(url, {"step": "confirm", "tickets": ids})

    order.refresh_from_db()
    assert form.status_code == 200
    assert "You are about to cancel these 2 tickets, with no refund:" in review.text
    assert unchanged == before
    assert (order.status, order.refunded_amount) == (Order.Status.CANCELLED, 0)
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}
    assert TicketType.objects.get(pk=standard.pk).reserved == 0
    assert actions(order)[-1] == ("ticketing.order.tickets_cancelled", "bex")


def test_resending_the_confirmation_emails_the_badges_again(
    client, box_office, festival, standard, paid, django_capture_on_commit_callbacks
):
    order = paid(festival, standard, 2)
    url = reverse("ticketing_order_resend", args=[order.pk])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.get(url)
        sent_on_get = len(mail.outbox)
        client.post(url)

    assert "Send it again" in asked.text and sent_on_get == 0
    assert [m.to for m in mail.outbox] == [["sylvia@example.org"]]
    assert [a[2] for a in mail.outbox[0].attachments] == ["application/pdf", "application/pdf"]
    assert actions(order)[-1] == ("ticketing.order.confirmation_resent", "bex")


def test_a_stuck_hold_is_released_after_a_confirmation(client, box_office, festival, standard, stripe_emulator):
    order = _pending(festival, standard)
    url = reverse("ticketing_order_release", args=[order.pk])

    asked = client.get(url)
    still = Order.objects.get(pk=order.pk).status
    client.post(url)

    order.refresh_from_db()
    session = stripe_emulator.emulator.get_session(order.stripe_checkout_session_id)
    assert "Release the hold" in asked.text and still == Order.Status.PENDING
    assert order.status == Order.Status.CANCELLED
    assert session["status"] == "expired"
    assert TicketType.objects.get(pk=standard.pk).reserved == 0
    assert actions(order)[-1] == ("ticketing.order.hold_released", "bex")


def test_a_hold_stripe_cannot_close_is_released_anyway_only_after_a_warning(
    client, box_office, festival, standard, stripe_emulator
):
    order = _pending(festival, standard)
    url = reverse("ticketing_order_release", args=[order.pk])
    stripe_emulator.emulator.set_outage(500)
    try:
        warned = client.post(url)
        after_warning = Order.objects.get(pk=order.pk).status
        client.post(url, {"step": "anyway"})
    finally:
        stripe_emulator.emulator.set_outage(0)

    order.refresh_from_db()
    assert "the buyer may still be paying" in warned.text
    assert "Release anyway" in warned.text
    assert after_warning == Order.Status.PENDING
    assert order.status == Order.Status.CANCELLED
    assert TicketType.objects.get(pk=standard.pk).reserved == 0
    assert actions(order)[-1] == ("ticketing.order.hold_released", "bex")


def _pending(festival, ticket_type):
    return checkout.place_order(
        festival=festival, buyer_name="Keir Hardie", buyer_email="keir@example.org",
        lines=[orders.LineRequest(ticket_type_id=ticket_type.pk, quantity=1)], attendee_names=["Keir Hardie"],
    )  # fmt: skip


def test_the_whole_order_is_cancelled_after_a_confirmation(client, box_office, festival, standard, paid):
    order = paid(festival, standard, 2)
    url = reverse("ticketing_order_cancel", args=[order.pk])

    review = client.post(url, {"step": "review_all"})
    unchanged = Order.objects.get(pk=order.pk).status
    client.post(url, {"step": "confirm", "whole": "on"})

    order.refresh_from_db()
    assert f"You are about to cancel the whole order {order.code}, with no refund" in review.text
    assert unchanged == Order.Status.PAID
    assert (order.status, order.refunded_amount) == (Order.Status.CANCELLED, 0)
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}
    assert actions(order)[-1] == ("ticketing.order.cancelled", "bex")


def test_a_hold_whose_payment_stripe_has_taken_is_not_released(client, box_office, festival, standard, stripe_emulator):
    order = _pending(festival, standard)
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id)  # paid; the webhook not arrived yet

    page = client.post(reverse("ticketing_order_release", args=[order.pk]), follow=True)

    order.refresh_from_db()
    assert "Stripe says the buyer has completed this payment" in page.text
    assert order.status == Order.Status.PENDING
    assert TicketType.objects.get(pk=standard.pk).reserved == 1
