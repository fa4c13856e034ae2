"""Every bad input gets a clear message and changes nothing."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from stripe_emulator import sign_payload
from ticketing.models import Order, Ticket, TicketType, Voucher
from ticketing.services import orders
from ticketing.services.errors import ShopError

from .helpers import order_form, place, shop_url


def nothing_changed(*ticket_types):
    return (
        Order.objects.count() == 0
        and Ticket.objects.count() == 0
        and all(TicketType.objects.get(pk=t.pk).reserved == 0 for t in ticket_types)
    )


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("7", "At most 6 per order."),
        ("-1", "Enter zero or more."),
        ("two", "Enter a whole number."),
        ("0", "Choose at least one ticket."),
        ("99999999999999999999", "At most 6 per order."),
    ],
)
def test_bad_quantity_is_refused_with_a_message(client, festival, standard, stripe_emulator, quantity, message):
    response = client.post(shop_url(festival), order_form(standard, 1, **{f"qty_{standard.pk}": quantity}))

    assert response.status_code == 400
    assert message in response.text
    assert nothing_changed(standard)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("4.99", "The least you can pay for Solidarity is £5."),
        ("lots", "Enter an amount in pounds, like 12.50."),
        ("1.234", "Use at most two decimal places for the pence, like 12.50."),
        ("-5", "Enter an amount of zero or more."),
        ("NaN", "Enter an amount in pounds, like 12.50."),
        ("1e9", "Enter an amount in pounds, like 12.50."),  # no exponents in money
        ("1000000000", "Enter an amount below £10,000."),
    ],
)
def test_bad_sliding_scale_amount_is_refused(client, festival, solidarity, stripe_emulator, amount, message):
    response = client.post(shop_url(festival), order_form(solidarity, 1, **{f"amount_{solidarity.pk}": amount}))

    assert response.status_code == 400
    assert message in response.text
    assert nothing_changed(solidarity)


def test_sliding_scale_amount_at_the_minimum_is_accepted(client, festival, solidarity, stripe_emulator):
    response, order = place(client, festival, solidarity, 1, **{f"amount_{solidarity.pk}": "5"})

    assert response.status_code == 303
    assert order.total == 500


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("NOPE", "recognise that voucher code. Check it and try again."),
        ("USED", "That voucher has been used as many times as it allows."),
        ("OLD", "That voucher has expired."),
    ],
)
def test_bad_voucher_is_refused(client, festival, standard, stripe_emulator, code, message):
    Voucher.objects.create(festival=festival, code="USED", percent_off=10, max_uses=0)
    Voucher.objects.create(
        festival=festival, code="OLD", percent_off=10, max_uses=5, valid_until=timezone.now() - timedelta(days=1)
    )

    response = client.post(shop_url(festival), order_form(standard, 1, voucher=code))

    assert response.status_code == 400
    assert message in response.text
    assert nothing_changed(standard)


def test_ticket_outside_its_sale_window_is_refused(client, festival, standard, stripe_emulator):
    TicketType.objects.filter(pk=standard.pk).update(sale_ends_at=timezone.now() - timedelta(hours=1))

    response = client.post(shop_url(festival), order_form(standard, 1))

    assert response.status_code == 400
    assert "Standard tickets are not on sale right now." in response.text
    assert nothing_changed(standard)


def test_ticket_before_its_sale_opens_is_refused(festival, standard):
    TicketType.objects.filter(pk=standard.pk).update(sale_starts_at=timezone.now() + timedelta(days=1))

    with pytest.raises(ShopError) as error:
        orders.quote_order(festival=festival, lines=[orders.LineRequest(ticket_type_id=standard.pk, quantity=1)])

    assert error.value.code == "not_on_sale"


def test_hidden_type_cannot_be_bought_without_its_voucher(client, festival, stripe_emulator):
    speaker = TicketType.objects.create(festival=festival, name="Speaker", capacity=50, is_complimentary=True)

    response = client.post(shop_url(festival), order_form(speaker, 1))

    assert response.status_code == 400
    assert nothing_changed(speaker)


def test_voucher_unlocks_a_hidden_type(client, festival, stripe_emulator):
    speaker = TicketType.objects.create(festival=festival, name="Speaker", capacity=50, is_complimentary=True)
    voucher = Voucher.objects.create(festival=festival, code="SPEAK26", kind=Voucher.Kind.UNLOCK, max_uses=3)
    voucher.unlocks.add(speaker)

    shop = client.get(shop_url(festival), {"voucher": "speak26"})
    response, order = place(client, festival, speaker, 1, voucher="speak26")

    assert "Speaker" in shop.text
    assert order.status == Order.Status.PAID
    assert Voucher.objects.get(pk=voucher.pk).times_used == 1


def test_percentage_voucher_takes_money_off(client, festival, standard, stripe_emulator):
    Voucher.objects.create(festival=festival, code="UNION", percent_off=20, max_uses=10)

    response, order = place(client, festival, standard, 2, voucher="union")

    assert response.status_code == 303
    assert (order.discount, order.total) == (1400, 5600)
    assert sum(order.tickets.values_list("price", flat=True)) == 5600


def test_missing_attendee_name_is_asked_for(client, festival, standard, stripe_emulator):
    data = order_form(standard, 2, names=["Rosa", " "])

    response = client.post(shop_url(festival), data)

    assert response.status_code == 400
    assert "Give a name for this attendee." in response.text
    assert nothing_changed(standard)


def test_forged_order_link_is_not_found(client, festival, standard, stripe_emulator):
    place(client, festival, standard, 1)

    for token in ["forged-token", "x" * 500, ""]:
        assert client.get(f"/tickets/orders/{token}/").status_code == 404
    assert client.get(f"/tickets/orders/{'a' * 43}/confirmed/").status_code == 404


def test_order_page_opens_with_its_token(client, festival, standard, stripe_emulator):
    _, order = place(client, festival, standard, 1)

    response = client.get(f"/tickets/orders/{order.access_token}/")

    assert response.status_code == 200
    assert order.code in response.text
    assert response["Referrer-Policy"] == "same-origin"  # the token in the address goes to no other site


def _event_payload(order):
    session = {
        "id": order.stripe_checkout_session_id,
        "object": "checkout.session",
        "payment_status": "paid",
        "status": "complete",
        "amount_total": order.total,
        "payment_intent": "pi_test_forged",
        "client_reference_id": str(order.pk),
        "metadata": {"order_code": order.code},
    }
    return json.dumps({"id": "evt_test_1", "object": "event", "type": "checkout.session.completed",
                       "data": {"object": session}})  # fmt: skip


@pytest.mark.parametrize("attack", ["tampered", "replayed", "wrong_secret", "missing", "garbage"])
def test_bad_webhook_gets_400_and_changes_nothing(client, festival, standard, stripe_emulator, settings, attack):
    _, order = place(client, festival, standard, 1)
    payload = _event_payload(order)
    secret = settings.STRIPE_WEBHOOK_SECRET
    headers = {
        "tampered": sign_payload(payload.replace('"paid"', '"unpaid"'), secret),
        "replayed": sign_payload(payload, secret, timestamp=int(time.time()) - 3600),
        "wrong_secret": sign_payload(payload, "whsec_someone_else"),
        "missing": "",
        "garbage": "t=abc,v1=zzz",
    }

    response = client.post(
        "/tickets/stripe/webhook/", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=headers[attack]
    )

    order.refresh_from_db()
    assert response.status_code == 400
    assert order.status == Order.Status.PENDING


def test_correctly_signed_webhook_is_accepted(client, festival, standard, stripe_emulator, settings):
    _, order = place(client, festival, standard, 1)
    payload = _event_payload(order)

    response = client.post(
        "/tickets/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign_payload(payload, settings.STRIPE_WEBHOOK_SECRET),
    )

    order.refresh_from_db()
    assert response.status_code == 200
    assert order.status == Order.Status.PAID


def test_webhook_for_a_wrong_amount_does_not_fulfil(client, festival, standard, stripe_emulator, settings):
    _, order = place(client, festival, standard, 1)
    payload = _event_payload(order).replace(f'"amount_total": {order.total}', '"amount_total": 1')

    client.post(
        "/tickets/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign_payload(payload, settings.STRIPE_WEBHOOK_SECRET),
    )

    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert order.problem == "amount_mismatch"


def test_webhook_only_accepts_post(client):
    assert client.get("/tickets/stripe/webhook/").status_code == 405


def test_shop_for_unknown_edition_is_not_found(client, home):
    assert client.get("/tickets/no-such-edition/").status_code == 404


def test_sold_out_type_refuses_more(client, festival, stripe_emulator):
    small = TicketType.objects.create(festival=festival, name="Small", price=1000, capacity=1)
    place(client, festival, small, 1)

    response, _ = place(client, festival, small, 1, buyer_email="late@example.org")

    assert response.status_code == 409
    assert "Sorry, Small tickets have just sold out." in response.text
    assert TicketType.objects.get(pk=small.pk).reserved == 1


def test_a_refused_form_keeps_what_the_buyer_chose_and_points_to_each_error(client, festival, standard):
    data = order_form(standard, 1, region_group="Wales", buyer_email="not-an-email", **{f"qty_{standard.pk}": "7"})

    page = client.post(shop_url(festival), data).text

    assert '<option value="Wales" selected>Wales</option>' in page
    assert page.count(" selected>") == 1
    assert '<option value="">Choose a region group (optional)</option>' in page
    assert 'value="Rosa Luxemburg"' in page
    assert 'aria-invalid="true" aria-describedby="id_buyer_email-hint id_buyer_email-error"' in page
    assert '<p class="field-error" id="id_buyer_email-error">' in page
    assert 'id="id_voucher" value="" autocomplete="off">' in page  # no help, no error: no empty aria-describedby
    assert 'aria-describedby=""' not in page


def test_a_sold_out_message_says_how_many_are_left_or_that_none_are():
    assert ShopError("sold_out", name="Weekend", left=2).message == "Sorry, there are only 2 Weekend tickets left."
    assert ShopError("sold_out", name="Weekend", left=0).message == "Sorry, Weekend tickets have just sold out."
