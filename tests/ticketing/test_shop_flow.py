"""The whole purchase against the running Stripe emulator: buy, pay, webhook, paid, email."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from door.checkin import check_in
from ticketing import codes
from ticketing.models import Order, Refund, Ticket, TicketType
from ticketing.services import payments, refunds
from ticketing.services.errors import ShopError

from .helpers import place

pytestmark = pytest.mark.django_db(transaction=True)


def reserved(ticket_type):
    return TicketType.objects.get(pk=ticket_type.pk).reserved


def test_placing_an_order_holds_tickets_and_opens_a_checkout_session(client, festival, standard, stripe_emulator):
    response, order = place(client, festival, standard, 2, names=["Rosa Luxemburg", "Clara Zetkin"])

    session = payments.stripe_gateway.retrieve_checkout_session(order.stripe_checkout_session_id)
    items = payments.stripe_gateway.list_line_items(order.stripe_checkout_session_id)
    assert response.status_code == 303
    assert response["Location"] == order.stripe_checkout_url
    assert order.status == Order.Status.PENDING
    assert session.amount_total == 7000
    assert session.metadata["order_code"] == order.code
    assert [(i["description"], i["quantity"]) for i in items] == [("Standard", 2)]
    assert reserved(standard) == 2
    assert list(order.tickets.values_list("attendee_name", flat=True)) == ["Rosa Luxemburg", "Clara Zetkin"]


@pytest.fixture
def pay(stripe_emulator):
    """Pay a session through the emulator, delivering the webhook before answering."""

    def _pay(order, **kwargs):
        return stripe_emulator.emulator.pay(order.stripe_checkout_session_id, sync=True, **kwargs)

    return _pay


def test_paid_webhook_fulfils_the_order_once_and_sends_one_email(client, festival, standard, live_site, pay):
    _, order = place(client, festival, standard, 2, names=["Rosa Luxemburg", "Clara Zetkin"])

    pay(order)

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.stripe_payment_intent_id.startswith("pi_")
    assert list(order.tickets.values_list("status", flat=True)) == [Ticket.Status.VALID, Ticket.Status.VALID]
    assert reserved(standard) == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rosa@example.org"]
    assert order.access_token in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_success_page_fulfils_when_the_webhook_has_not_arrived(client, festival, standard, stripe_emulator):
    _, order = place(client, festival, standard, 1)
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id)  # no webhook URL: nothing delivered

    response = client.get(
        f"/tickets/orders/{order.access_token}/confirmed/?session_id={order.stripe_checkout_session_id}"
    )

    order.refresh_from_db()
    assert response.status_code == 200
    assert order.status == Order.Status.PAID
    assert "You're in" in response.text
    assert len(mail.outbox) == 1


def test_webhook_delivered_five_times_at_once_fulfils_once(client, festival, standard, live_site, stripe_emulator):
    _, order = place(client, festival, standard, 1)
    emulator = stripe_emulator.emulator
    emulator.webhook_url, url = "", emulator.webhook_url
    emulator.pay(order.stripe_checkout_session_id)  # completed, not yet delivered
    emulator.webhook_url = url
    event = emulator.list_events(type_="checkout.session.completed", session=order.stripe_checkout_session_id)[0]

    statuses = emulator.deliver_concurrently(event["id"], 5)

    order.refresh_from_db()
    assert statuses == [200] * 5
    assert order.status == Order.Status.PAID
    assert len(mail.outbox) == 1
    assert reserved(standard) == 1


def test_declined_card_leaves_the_order_pending_and_the_hold_in_place(client, festival, standard, stripe_emulator):
    _, order = place(client, festival, standard, 1)

    page = client.get(order.stripe_checkout_url)  # the emulator page is not Django's: fetch it for real
    del page
    import urllib.parse
    import urllib.request

    body = urllib.parse.urlencode({"action": "decline"}).encode()
    with urllib.request.urlopen(urllib.request.Request(order.stripe_checkout_url, data=body)) as response:
        html = response.read().decode()

    order.refresh_from_db()
    assert "your card was declined" in html
    assert order.status == Order.Status.PENDING
    assert reserved(standard) == 1
    assert mail.outbox == []


def test_expired_session_releases_the_hold(client, festival, standard, live_site, stripe_emulator):
    _, order = place(client, festival, standard, 3)

    stripe_emulator.emulator.expire_session(order.stripe_checkout_session_id, api=False)
    _wait_for(lambda: Order.objects.get(pk=order.pk).status == Order.Status.EXPIRED)

    assert reserved(standard) == 0
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}


def test_abandoning_closes_the_session_and_releases_the_hold(client, festival, standard, stripe_emulator):
    _, order = place(client, festival, standard, 2)

    response = client.post(f"/tickets/orders/{order.access_token}/cancel/")

    order.refresh_from_db()
    assert response.status_code == 302
    assert order.status == Order.Status.CANCELLED
    assert reserved(standard) == 0
    session = payments.stripe_gateway.retrieve_checkout_session(order.stripe_checkout_session_id)
    assert session.status == "expired"


def test_abandoning_says_cancelled_when_our_own_expiry_s_webhook_released_the_hold_first(
    client, festival, standard, live_site, stripe_emulator, monkeypatch
):
    """Expiring the session sends checkout.session.expired, which can reach the site and release the
    hold before the cancel does: the buyer is still told their order is cancelled."""
    _, order = place(client, festival, standard, 2)
    expire = payments.stripe_gateway.expire_checkout_session

    def expire_and_let_its_webhook_arrive_first(session_id):
        session = expire(session_id)
        event = stripe_emulator.emulator.list_events(type_="checkout.session.expired", session=session_id)[-1]
        assert stripe_emulator.emulator.deliver(event["id"]) == 200
        return session

    monkeypatch.setattr(payments.stripe_gateway, "expire_checkout_session", expire_and_let_its_webhook_arrive_first)

    response = client.post(f"/tickets/orders/{order.access_token}/cancel/", follow=True)

    order.refresh_from_db()
    assert "Your order is cancelled and nothing was charged" in response.text
    assert order.status == Order.Status.CANCELLED
    assert reserved(standard) == 0


def test_sweep_releases_a_lapsed_hold_when_the_webhook_was_missed(client, festival, standard, stripe_emulator):
    _, order = place(client, festival, standard, 2)
    Order.objects.filter(pk=order.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))

    results = payments.sweep_lapsed_holds()

    order.refresh_from_db()
    assert results == {"released": 1}
    assert order.status == Order.Status.EXPIRED
    assert reserved(standard) == 0


def test_late_payment_is_honoured_when_there_is_room(client, festival, standard, live_site, pay):
    _, order = place(client, festival, standard, 1)
    Order.objects.filter(pk=order.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    from ticketing.services import orders

    orders.release_hold(order=order)  # the hold lapsed but the session was still open

    pay(order)

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert reserved(standard) == 1
    assert len(mail.outbox) == 1


def test_late_payment_with_no_room_is_flagged_and_refunded_once(client, festival, live_site, pay, stripe_emulator):
    tiny = TicketType.objects.create(festival=festival, name="Tiny", price=1000, capacity=1)
    _, late = place(client, festival, tiny, 1)
    from ticketing.services import orders

    orders.release_hold(order=late)
    _, other = place(client, festival, tiny, 1, buyer_email="other@example.org")
    pay(other)

    pay(late)
    event = stripe_emulator.emulator.list_events(
        type_="checkout.session.completed", session=late.stripe_checkout_session_id
    )
    stripe_emulator.emulator.deliver_concurrently(event[0]["id"], 3)

    late.refresh_from_db()
    intent = stripe_emulator.emulator.get_payment_intent(late.stripe_payment_intent_id)
    assert late.status == Order.Status.REFUNDED
    assert late.problem == "late_payment_no_room"
    assert late.refunded_amount == 1000
    assert intent["amount_refunded"] == 1000
    assert reserved(tiny) == 1
    assert [m.to for m in mail.outbox] == [["other@example.org"]]


def paid_late_with_stripe_out_of_reach(client, festival, stripe_emulator, settings):
    """A late payment for a one-place type someone else has since bought, taken in while Stripe
    cannot be reached (so its refund fails); answers (type, order, session, outcome)."""
    tiny = TicketType.objects.create(festival=festival, name="Tiny", price=1000, capacity=1)
    _, late = place(client, festival, tiny, 1)
    from ticketing.services import orders

    orders.release_hold(order=late)
    _, other = place(client, festival, tiny, 1, buyer_email="other@example.org")
    for order in (other, late):
        stripe_emulator.emulator.pay(order.stripe_checkout_session_id)  # no webhook URL: nothing delivered
    payments.confirm_from_success_page(order=other, session_id=other.stripe_checkout_session_id)
    session = payments.stripe_gateway.retrieve_checkout_session(late.stripe_checkout_session_id)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe cannot be reached
    outcome = payments.fulfil_order(order=late, payment_intent=session.payment_intent, amount_paid=1000)
    settings.STRIPE_API_BASE = stripe_emulator.base_url  # reachable again by the next sweep
    return tiny, late, session, outcome


def test_late_refund_that_fails_is_flagged_and_retried_by_the_sweep(client, festival, stripe_emulator, settings):
    tiny, late, session, outcome = paid_late_with_stripe_out_of_reach(client, festival, stripe_emulator, settings)

    flagged = Order.objects.get(pk=late.pk)
    first_sweep = payments.sweep_lapsed_holds()
    second_sweep = payments.sweep_lapsed_holds()

    late.refresh_from_db()
    intent = stripe_emulator.emulator.get_payment_intent(session.payment_intent)
    assert outcome == "late_refund_failed"
    assert (flagged.status, flagged.problem, flagged.refunded_amount) == (Order.Status.EXPIRED, "late_refund_failed", 0)
    assert first_sweep == {"late_refunded": 1}
    assert second_sweep == {}
    assert (late.status, late.problem, late.refunded_amount) == (Order.Status.REFUNDED, "late_payment_no_room", 1000)
    assert intent["amount_refunded"] == 1000
    assert reserved(tiny) == 1


def test_redelivered_payment_does_not_revive_an_order_an_organiser_cancelled(
    client, festival, standard, live_site, pay, stripe_emulator
):
    _, order = place(client, festival, standard, 2)
    pay(order)
    refunds.cancel_order(order=Order.objects.get(pk=order.pk))
    event = stripe_emulator.emulator.list_events(
        type_="checkout.session.completed", session=order.stripe_checkout_session_id
    )[0]

    status = stripe_emulator.emulator.deliver(event["id"])

    order.refresh_from_db()
    assert status == 200
    assert order.status == Order.Status.CANCELLED
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}
    assert reserved(standard) == 0
    assert len(mail.outbox) == 1


def test_payment_for_an_abandoned_never_paid_order_is_still_honoured_when_there_is_room(
    client, festival, standard, stripe_emulator
):
    _, order = place(client, festival, standard, 1)
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id)  # paid as the buyer gave up
    from ticketing.services import orders

    orders.release_hold(order=order, to_status=Order.Status.CANCELLED)

    outcome = payments.fulfil_order(order=order, payment_intent="pi_test_late", amount_paid=order.total)

    order.refresh_from_db()
    assert outcome == "late_honoured"
    assert order.status == Order.Status.PAID
    assert reserved(standard) == 1
    assert len(mail.outbox) == 1


def test_partial_refund_refunds_one_ticket_and_frees_its_place(
    client, festival, standard, live_site, pay, stripe_emulator
):
    _, order = place(client, festival, standard, 2)
    pay(order)
    first, second = order.tickets.order_by("pk")

    refund = refunds.refund_tickets(order=order, ticket_ids=[first.pk])

    order.refresh_from_db()
    first.refresh_from_db()
    intent = stripe_emulator.emulator.get_payment_intent(order.stripe_payment_intent_id)
    assert (refund.amount, refund.state) == (3500, Refund.State.SUCCEEDED)
    assert list(refund.tickets.all()) == [first]
    assert first.status == Ticket.Status.REFUNDED
    assert order.status == Order.Status.PAID
    assert order.refunded_amount == 3500
    assert intent["amount_refunded"] == 3500
    assert reserved(standard) == 1


def test_full_refund_refunds_everything_once(client, festival, standard, live_site, pay, stripe_emulator):
    _, order = place(client, festival, standard, 2, donation="5")
    pay(order)

    refund = refunds.refund_order(order=order)
    with pytest.raises(ShopError) as again:
        refunds.refund_order(order=order)

    order.refresh_from_db()
    intent = stripe_emulator.emulator.get_payment_intent(order.stripe_payment_intent_id)
    assert (refund.amount, refund.includes_donation, refund.state) == (7500, True, Refund.State.SUCCEEDED)
    assert again.value.code == "not_refundable"
    assert order.status == Order.Status.REFUNDED
    assert intent["amount_refunded"] == 7500
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.REFUNDED}
    assert reserved(standard) == 0


def test_async_payment_failure_releases_the_hold(client, festival, standard, live_site, stripe_emulator):
    _, order = place(client, festival, standard, 1)
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id, method="delayed", sync=True)
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING

    stripe_emulator.emulator.settle(order.stripe_checkout_session_id, outcome="failed", sync=True)

    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert reserved(standard) == 0


def test_async_payment_success_fulfils(client, festival, standard, live_site, stripe_emulator):
    _, order = place(client, festival, standard, 1)
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id, method="delayed", sync=True)

    stripe_emulator.emulator.settle(order.stripe_checkout_session_id, outcome="succeeded", sync=True)

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert len(mail.outbox) == 1


def test_free_order_skips_stripe_and_is_paid_at_once(client, festival, stripe_emulator):
    free = TicketType.objects.create(festival=festival, name="Under-16s", price=0, capacity=20)

    response, order = place(client, festival, free, 1)

    assert response.status_code == 302
    assert order.status == Order.Status.PAID
    assert order.stripe_checkout_session_id == ""
    assert len(mail.outbox) == 1


def _wait_for(condition, timeout=10.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_many_success_page_loads_at_once_fulfil_once(client, festival, standard, stripe_emulator):
    _, order = place(client, festival, standard, 1)
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id)

    def success_page(_):
        try:
            return payments.fulfil_order(order=order, payment_intent="pi_x", amount_paid=order.total)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(success_page, range(4)))

    assert sorted(outcomes) == ["already_paid"] * 3 + ["fulfilled"]
    assert len(mail.outbox) == 1


def test_order_code_already_taken_is_replaced_by_a_fresh_one(client, festival, standard, stripe_emulator, monkeypatch):
    drawn = iter(["FOR-TAKEN", "FOR-TAKEN", "FOR-TAKEN", "FOR-FRESH"])
    monkeypatch.setattr(codes, "new_order_code", lambda: next(drawn))
    _, first = place(client, festival, standard, 1)

    response, second = place(client, festival, standard, 1, buyer_email="second@example.org")

    assert first.code == "FOR-TAKEN"
    assert response.status_code == 303
    assert second.code == "FOR-FRESH"
    assert second.buyer_email == "second@example.org"
    assert reserved(standard) == 2


def test_a_code_clash_counts_the_voucher_once_and_holds_the_tickets_once(
    client, festival, standard, stripe_emulator, monkeypatch
):
    from ticketing.models import Voucher

    voucher = Voucher.objects.create(festival=festival, code="UNION", percent_off=10, max_uses=10)
    place(client, festival, standard, 1)
    taken = Order.objects.get().code
    drawn = iter([taken, taken, "FOR-VOUCH"])
    monkeypatch.setattr(codes, "new_order_code", lambda: next(drawn))

    response, order = place(client, festival, standard, 2, voucher="UNION", names=["Ada", "Grace"])

    assert response.status_code == 303
    assert order.code == "FOR-VOUCH"
    assert order.voucher == voucher
    assert Voucher.objects.get(pk=voucher.pk).times_used == 1
    assert reserved(standard) == 3
    assert Ticket.objects.filter(order=order).count() == 2
    assert Order.objects.count() == 2


def test_placing_an_order_leaves_wagtails_reference_index_alone(client, festival, standard, stripe_emulator):
    """Orders and tickets are not content: indexing each one would queue a task per purchase."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    from ticketing.models import CheckIn, RetiredSecret, Voucher, WaitingListEntry

    place(client, festival, standard, 1)

    for model in (Order, Ticket, CheckIn, RetiredSecret, Voucher, WaitingListEntry):
        assert not ReferenceIndex.is_indexed(model), model
    assert not ReferenceIndex.objects.filter(base_content_type=ContentType.objects.get_for_model(Order)).exists()


def refund_in_stripe_dashboard(stripe_emulator, order, amount=None):
    """A refund made outside the site, as an organiser would in Stripe's dashboard; its events are
    then delivered to the site again, synchronously (the emulator has already sent them once)."""
    params = {"payment_intent": order.stripe_payment_intent_id} | ({"amount": str(amount)} if amount else {})
    stripe_emulator.emulator.create_refund(params)
    charge_events = [
        e
        for e in stripe_emulator.emulator.list_events(type_="charge.refunded")
        if e["data"]["object"]["payment_intent"] == order.stripe_payment_intent_id
    ]
    return [stripe_emulator.emulator.deliver(e["id"]) for e in charge_events]


def test_a_whole_refund_made_in_stripe_refunds_the_tickets_and_the_door_refuses_them(
    client, festival, standard, live_site, pay, stripe_emulator
):
    from tests.ticketing.factories import UserFactory

    _, order = place(client, festival, standard, 2, donation="5")
    pay(order)
    order.refresh_from_db()

    statuses = refund_in_stripe_dashboard(stripe_emulator, order)

    order.refresh_from_db()
    first = order.tickets.order_by("pk").first()
    scan = check_in(festival=festival, staff_id=UserFactory().pk, door="Main gate", nonce="n1", code=first.secret)
    assert statuses == [200]
    assert (order.status, order.refunded_amount, order.problem) == (Order.Status.REFUNDED, 7500, "")
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.REFUNDED}
    assert reserved(standard) == 0
    assert scan.result == "cancelled"


def test_a_part_refund_made_in_stripe_flags_the_order_for_an_organiser_and_keeps_its_tickets(
    client, festival, standard, live_site, pay, stripe_emulator
):
    _, order = place(client, festival, standard, 2)
    pay(order)
    order.refresh_from_db()

    refund_in_stripe_dashboard(stripe_emulator, order, amount=1000)

    order.refresh_from_db()
    assert (order.status, order.refunded_amount, order.problem) == (Order.Status.PAID, 1000, "refunded_in_stripe")
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.VALID}
    assert reserved(standard) == 2


def test_the_event_of_our_own_refund_changes_nothing(client, festival, standard, live_site, pay, stripe_emulator):
    _, order = place(client, festival, standard, 2)
    pay(order)
    first = order.tickets.order_by("pk").first()
    refunds.refund_tickets(order=order, ticket_ids=[first.pk])
    order.refresh_from_db()
    event = next(
        e
        for e in stripe_emulator.emulator.list_events(type_="charge.refunded")
        if e["data"]["object"]["payment_intent"] == order.stripe_payment_intent_id
    )

    status = stripe_emulator.emulator.deliver(event["id"])

    order.refresh_from_db()
    assert status == 200
    assert (order.status, order.refunded_amount, order.problem) == (Order.Status.PAID, 3500, "")
    assert sorted(order.tickets.values_list("status", flat=True)) == [Ticket.Status.REFUNDED, Ticket.Status.VALID]
    assert reserved(standard) == 1


def test_a_late_refund_already_made_by_hand_in_stripe_stops_the_retries(client, festival, stripe_emulator, settings):
    _, late, session, _ = paid_late_with_stripe_out_of_reach(client, festival, stripe_emulator, settings)
    stripe_emulator.emulator.create_refund({"payment_intent": session.payment_intent})  # by hand; no webhook

    first_sweep = payments.sweep_lapsed_holds()
    second_sweep = payments.sweep_lapsed_holds()

    late.refresh_from_db()
    assert first_sweep == {"late_refunded": 1}
    assert second_sweep == {}
    assert (late.status, late.problem, late.refunded_amount) == (Order.Status.REFUNDED, "late_payment_no_room", 1000)
    assert stripe_emulator.emulator.get_payment_intent(session.payment_intent)["amount_refunded"] == 1000
