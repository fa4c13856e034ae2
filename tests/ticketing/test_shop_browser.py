"""The shop's first step in headless Chromium: which button a key press or a click sets off."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enter_in_a_field_continues_to_the_review_rather_than_applying_the_voucher(
    chromium, live_server, festival, standard
):
    page = chromium.new_page()
    page.goto(f"{live_server.url}/tickets/{festival.slug}/")

    page.get_by_label("How many Standard").fill("1")
    page.fill("#id_buyer_email", "rosa@example.org")
    page.fill("#id_buyer_name", "Rosa Luxemburg")
    page.press("#id_buyer_name", "Enter")
    page.wait_for_load_state()
    heading = page.text_content("h1")
    page.close()

    assert heading == "Check your order"
