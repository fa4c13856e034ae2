"""A buyer types a pay-what-you-can amount and a donation with a decimal comma, in Chromium."""

import pytest
from django.urls import reverse

from tests.browser import LAPTOP, assert_accessible
from ticketing.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_shop(page, ticket_type, *, amount: str, donation: str = "") -> None:
    """Choose one ticket and type the amounts key by key, as a person does, then continue."""
    page.fill(f"#id_qty_{ticket_type.pk}", "1")
    page.fill(f"#id_amount_{ticket_type.pk}", "")
    page.locator(f"#id_amount_{ticket_type.pk}").press_sequentially(amount)
    page.fill("#id_buyer_name", "Rosa Luxemburg")
    page.fill("#id_buyer_email", "rosa@example.org")
    if donation:
        page.locator("#id_donation").press_sequentially(donation)


def test_decimal_comma_in_the_sliding_scale_is_pounds_and_pence(open_browser, festival, solidarity):
    page = open_browser(viewport=LAPTOP).new_page()
    page.goto(reverse("ticketing:shop", kwargs={"slug": festival.slug}))
    assert_accessible(page)

    fill_shop(page, solidarity, amount="5,00", donation="2,5")
    typed = page.input_value(f"#id_amount_{solidarity.pk}")
    page.get_by_role("button", name="Continue: name your attendees").click()
    page.wait_for_selector("h1:text('Check your order')")
    summary = page.text_content("table.summary")
    pay_button = page.get_by_role("button", name="Pay £7.50 securely with Stripe")
    assert_accessible(page)
    pay_button.click()
    page.wait_for_url("**/pay/**")
    order = Order.objects.get()

    assert typed == "5,00"
    assert "1 × Solidarity (£5)" in summary
    assert "£500" not in summary
    assert "£2.50" in summary
    assert order.total == 750
    assert order.donation == 250


def test_ambiguous_amount_is_refused_with_a_way_to_fix_it(open_browser, festival, solidarity):
    page = open_browser(viewport=LAPTOP).new_page()
    page.goto(reverse("ticketing:shop", kwargs={"slug": festival.slug}))

    fill_shop(page, solidarity, amount="5,000")
    page.get_by_role("button", name="Continue: name your attendees").click()
    page.wait_for_selector(".error-summary")
    error = page.text_content(f"#id_amount_{solidarity.pk}-error")
    kept = page.input_value(f"#id_amount_{solidarity.pk}")
    assert_accessible(page)

    assert "Did you mean £5000 or £5.00? Write 5000 or 5.00" in error
    assert kept == "5,000"
    assert Order.objects.count() == 0
