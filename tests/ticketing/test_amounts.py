"""The sliding-scale and donation amounts read as people type them: a decimal comma is a
decimal point, and anything that could be read two ways is refused, never guessed."""

import pytest

from ticketing.models import Order, Ticket, TicketType

from .helpers import order_form, place, shop_url

ACCEPTED = [
    ("5,00", 500),
    ("12,5", 1250),
    ("£5", 500),
    ("5.00", 500),
    (" 5 ", 500),
    ("£ 12,50", 1250),
    ("£7.5", 750),
    ("1,000.00", 100000),
    ("2,500.5", 250050),
    ("9999.99", 999999),
]

REFUSED = [
    ("5,000", "Did you mean £5000 or £5.00? Write 5000 or 5.00, so we charge the right amount."),
    ("1,250", "Did you mean £1250 or £1.25? Write 1250 or 1.25, so we charge the right amount."),
    ("5.001", "Use at most two decimal places for the pence, like 12.50."),
    ("5,0001", "Use at most two decimal places for the pence, like 12.50."),
    ("1,2345", "Use at most two decimal places for the pence, like 12.50."),
    ("-5", "Enter an amount of zero or more."),
    ("-£5", "Enter an amount of zero or more."),
    ("£-5,00", "Enter an amount of zero or more."),
    ("\u22125", "Enter an amount of zero or more."),
    ("10000", "Enter an amount below £10,000."),
    ("10,000.00", "Enter an amount below £10,000."),
    ("1,000,000", "Enter an amount below £10,000."),
    ("99999999999999999999", "Enter an amount below £10,000."),
    ("1.000,50", "Enter an amount in pounds, like 12.50."),
    ("1,00,0", "Enter an amount in pounds, like 12.50."),
    ("5,,00", "Enter an amount in pounds, like 12.50."),
    ("5 00", "Enter an amount in pounds, like 12.50."),
    ("12,34.5", "Enter an amount in pounds, like 12.50."),
    ("£", "Enter an amount in pounds, like 12.50."),
    ("1e3", "Enter an amount in pounds, like 12.50."),
    ("Infinity", "Enter an amount in pounds, like 12.50."),
    ("\u0665", "Enter an amount in pounds, like 12.50."),  # an Arabic-Indic five: not what the buyer sees as 5
    ("five", "Enter an amount in pounds, like 12.50."),
]


def nothing_changed(*ticket_types):
    return (
        Order.objects.count() == 0
        and Ticket.objects.count() == 0
        and all(TicketType.objects.get(pk=t.pk).reserved == 0 for t in ticket_types)
    )


@pytest.mark.parametrize(("typed", "pence"), ACCEPTED)
def test_sliding_scale_amount_reads_a_decimal_comma_and_common_forms(
    client, festival, solidarity, stripe_emulator, typed, pence
):
    response, order = place(client, festival, solidarity, 1, **{f"amount_{solidarity.pk}": typed})

    assert response.status_code == 303
    assert order.total == pence


@pytest.mark.parametrize(("typed", "pence"), ACCEPTED)
def test_donation_reads_a_decimal_comma_and_common_forms(client, festival, standard, stripe_emulator, typed, pence):
    response, order = place(client, festival, standard, 1, donation=typed)

    assert response.status_code == 303
    assert order.donation == pence
    assert order.total == standard.price + pence


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_sliding_scale_amount_that_is_ambiguous_or_malformed_is_refused(
    client, festival, solidarity, stripe_emulator, typed, message
):
    response = client.post(shop_url(festival), order_form(solidarity, 1, **{f"amount_{solidarity.pk}": typed}))

    assert response.status_code == 400
    assert message in response.text
    assert nothing_changed(solidarity)


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_donation_that_is_ambiguous_or_malformed_is_refused(
    client, festival, standard, stripe_emulator, typed, message
):
    response = client.post(shop_url(festival), order_form(standard, 1, donation=typed))

    assert response.status_code == 400
    assert message in response.text
    assert nothing_changed(standard)


def test_refused_amount_is_kept_in_the_field_as_typed(client, festival, solidarity, stripe_emulator):
    response = client.post(shop_url(festival), order_form(solidarity, 1, **{f"amount_{solidarity.pk}": "5,000"}))

    assert response.status_code == 400
    assert 'value="5,000"' in response.text


def test_review_step_prices_a_decimal_comma_as_pounds_and_pence(client, festival, solidarity, stripe_emulator):
    data = order_form(solidarity, 1, step="review", donation="2,5", **{f"amount_{solidarity.pk}": "12,5"})
    del data["attendee_0"]

    response = client.post(shop_url(festival), data)

    assert response.status_code == 200
    assert "1 × Solidarity (£12.50)" in response.text
    assert "Pay £15 securely with Stripe" in response.text
    assert "£1250" not in response.text
